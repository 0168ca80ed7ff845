namespace PidGuard;

/// <summary>Validates daemon names: <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$</c>.</summary>
public static class DaemonName
{
    /// <summary>The longest accepted name.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="name"/> is a valid daemon name.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the name is invalid.</summary>
    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem)
            throw new ArgumentException($"Invalid daemon name '{name}': {problem}.", nameof(name));
    }

    private static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "it is empty";
        if (name.Length > MaxLength)
            return $"it is {name.Length} characters long, the limit is {MaxLength}";
        if (!char.IsAsciiLetterOrDigit(name[0]))
            return "it must start with an ASCII letter or digit";
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return $"character '{c}' is not allowed (use A-Z, a-z, 0-9, '.', '_', '-')";
        }
        return null;
    }
}
