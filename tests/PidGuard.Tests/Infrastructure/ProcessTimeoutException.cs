namespace PidGuard.Tests.Infrastructure;

/// <summary>A child process overran its bound and was killed; <see cref="Output"/> is what it wrote until then.</summary>
public sealed class ProcessTimeoutException(string what, TimeSpan bound, string output)
    : TimeoutException($"{what} did not finish within {bound.TotalSeconds:0.#} s and was killed; its output so far:\n{output}")
{
    public string Output { get; } = output;
}
