using System.Text;

namespace PidGuard.Tests.Torture;

/// <summary>Random and mutated input for the pid and state file parsers: they never throw, and accept only what the protocol allows.</summary>
public class ParserFuzzTests
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("PIDGUARD_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 200_000;

    [Fact]
    public void Pid_file_parser_never_throws_and_only_accepts_a_decimal_PID_above_1()
    {
        var random = new Random(7);
        byte[] alphabet = "0123456789 \t\r\n-+x\0"u8.ToArray();
        var buffer = new byte[48];
        int valid = 0;
        for (int i = 0; i < Iterations; i++)
        {
            int length = random.Next(0, buffer.Length);
            for (int j = 0; j < length; j++)
                buffer[j] = i % 2 == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            var span = buffer.AsSpan(0, length);
            var result = PidFile.Parse(span);
            if (result.Kind == PidFileKind.Valid)
            {
                valid++;
                Assert.InRange(result.Pid!.Value, 2, int.MaxValue);
                string text = Encoding.ASCII.GetString(span).Trim(' ', '\t', '\r', '\n');
                Assert.All(text, c => Assert.True(char.IsAsciiDigit(c)));
                Assert.Equal(result.Pid.Value, long.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Equal(PidFileKind.Invalid, result.Kind);
                Assert.Null(result.Pid);
                Assert.False(string.IsNullOrEmpty(result.Reason));
            }
        }
        Assert.True(valid > 100, $"only {valid} valid inputs: the generator does not reach the accepting path");
    }

    [Fact]
    public void State_file_parser_never_throws_on_random_or_mutated_json()
    {
        var random = new Random(11);
        byte[] seed = StateFile.Serialize(new DaemonStateRecord { Name = "x", Pid = 42, StartToken = "1", CommandLine = ["a", "b"], LastExit = new ExitRecord { Code = 3 } });
        int parsed = 0;
        for (int i = 0; i < Iterations / 10; i++)
        {
            byte[] input = (byte[])seed.Clone();
            int mutations = random.Next(1, 6);
            for (int m = 0; m < mutations; m++)
                input[random.Next(input.Length)] = (byte)random.Next(256);
            if (i % 3 == 0)
                input = input[..random.Next(input.Length)];
            var record = StateFile.Parse(input, "fuzz.json", out string? problem);
            if (record is not null)
            {
                parsed++;
                Assert.True(record.Pid > 0);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(problem));
            }
        }
        Assert.True(parsed > 0, "no mutated input parsed: the generator does not reach the accepting path");
    }
}
