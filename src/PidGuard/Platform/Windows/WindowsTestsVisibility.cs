using System.Runtime.CompilerServices;

// The Windows platform layer is tested directly, under Wine, by its own test executable.
[assembly: InternalsVisibleTo("PidGuard.Windows.Tests")]
