namespace PidGuard.Tests.Infrastructure;

/// <summary>Bash helpers for sandboxed scenarios. In scripts, H runs the test host; HB execs it (for &, so $! is its PID).</summary>
public static class Scripts
{
    public static string Prelude(TestDir dir) => $$"""
        set -u
        ROOT='{{dir.Root}}'
        DIR='{{dir.Runtime}}'
        waitfor() { for i in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "TIMEOUT waiting for $2 in $1"; cat "$1"; exit 9; }
        alive() { if kill -0 "$1" 2>/dev/null; then echo "ALIVE $2"; else echo "DEAD $2"; fi; }

        """;
}
