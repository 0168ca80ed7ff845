using System.Globalization;

/// <summary>
/// The coexistence observer: a holder creates DIR/inside (O_EXCL) holding its PID while it holds
/// the lock, and removes it before releasing. Finding the file with a live PID other than our own
/// means two processes held the lock at once. A dead PID (or an empty file) is a holder that was
/// SIGKILLed while inside.
/// </summary>
internal static class Marker
{
    public static int? Enter(string dir)
    {
        string path = Path.Join(dir, "inside");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                f.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
                return null;
            }
            catch (IOException) when (File.Exists(path))
            {
                string text = File.ReadAllText(path);
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && PidGuard.ProcessIdentity.IsAlive(pid) && IsNotZombie(pid))
                    return pid;
                File.Delete(path); // a killed holder's leftover
            }
        }
        return null;
    }

    public static void Leave(string dir) => File.Delete(Path.Join(dir, "inside"));

    private static bool IsNotZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') == false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
