using Microsoft.Extensions.Logging;

/// <summary>The library's log, as "LOG level message" lines on stdout (for diagnosing a failed test).</summary>
internal sealed class LineLogger(Action<string> say) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        say($"LOG {logLevel} {formatter(state, exception).ReplaceLineEndings(" ")}{(exception is null ? "" : " | " + exception.Message.ReplaceLineEndings(" "))}");
}
