namespace PidGuard.Tests.Infrastructure;

/// <summary>Bash helpers for sandboxed scenarios. In scripts, H runs the test host; HB execs it (for &, so $! is its PID).</summary>
public static class Scripts
{
    public static string Prelude(TestDir dir) => $$"""
        set -u
        ROOT='{{dir.Root}}'
        DIR='{{dir.Runtime}}'
        waitfor() { local i; for i in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "TIMEOUT waiting for $2 in $1"; cat "$1"; exit 9; }
        alive() { if kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; then echo "ALIVE $2"; else echo "DEAD $2"; fi; }
        gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
        waituntil() { local t=$1 i; shift; for i in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "TIMEOUT waiting until $*"; exit 9; }
        jsonint() { sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1" | head -n 1; }
        supervisor() { sed -n '/"supervisor"/,/}/s/.*"pid": \([0-9]*\).*/\1/p' "$DIR/$1.json"; }
        nproc_named() { pgrep -x "$1" | wc -l; }
        # signals_of PID FILE: the signals a sigrecord process recorded, after a HUP barrier proves it has handled all sent before
        signals_of() { kill -HUP "$1"; waitfor "$2" SIGHUP >/dev/null; grep -v '^SIGHUP$' "$2" | tr '\n' ' ' | sed 's/ $//'; }

        """;
}
