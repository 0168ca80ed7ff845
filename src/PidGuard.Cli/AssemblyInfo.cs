using System.Runtime.Versioning;

// The tool drives flock(2), signals and process sessions: Unix only.
[assembly: SupportedOSPlatform("linux")]
[assembly: SupportedOSPlatform("macos")]
