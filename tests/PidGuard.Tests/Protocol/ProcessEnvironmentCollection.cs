namespace PidGuard.Tests.Protocol;

/// <summary>
/// Tests that set process-wide environment variables (PIDGUARD_LOCK_FD): they run alone, after the
/// parallel tests, so that no other test sees the variable.
/// </summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;
