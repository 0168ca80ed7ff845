using System.Runtime.Versioning;

// The tool drives flock(2), signals, pipes and process sessions: Linux and macOS (docs/WINDOWS.md, "The pidguard tool").
[assembly: SupportedOSPlatform("linux")]
[assembly: SupportedOSPlatform("macos")]
