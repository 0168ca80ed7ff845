using System.Globalization;

/// <summary>
/// What an application's downstream system must do with the fencing token: remember the newest
/// epoch it has accepted and refuse any write carrying an older one. Here: a file holding that
/// epoch, updated under an exclusive lock.
/// </summary>
internal static class FencedStore
{
    public static bool TryWrite(string path, long epoch)
    {
        while (true)
        {
            try
            {
                using var f = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var text = new StreamReader(f).ReadToEnd();
                long newest = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
                if (epoch < newest)
                    return false;
                f.SetLength(0);
                var bytes = System.Text.Encoding.ASCII.GetBytes(epoch.ToString(CultureInfo.InvariantCulture));
                f.Write(bytes);
                return true;
            }
            catch (IOException)
            {
                Thread.Sleep(1); // the other holder is inside
            }
        }
    }
}
