using System.Globalization;

/// <summary>
/// The coexistence observer: while it holds the lock, a holder keeps DIR/inside.PID (its own PID)
/// and looks for any other inside.N whose process is alive. Finding one means two processes held
/// the lock at once. A marker of a dead process is a holder SIGKILLed while inside: it is removed.
/// One file per holder, so no holder ever removes another's live marker.
/// </summary>
internal static class Marker
{
    public static int? Enter(string dir)
    {
        int self = Environment.ProcessId;
        File.WriteAllText(Path.Join(dir, $"inside.{self}"), "");
        foreach (string file in Directory.EnumerateFiles(dir, "inside.*"))
        {
            if (!int.TryParse(Path.GetExtension(file).AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == self)
                continue;
            if (IsLive(pid))
                return pid;
            File.Delete(file);
        }
        return null;
    }

    public static void Leave(string dir) => File.Delete(Path.Join(dir, $"inside.{Environment.ProcessId}"));

    private static bool IsLive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
