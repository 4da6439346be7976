namespace Registry.Core;

/// <summary>
/// The compared form of a package name (<see cref="Packages.PackageName.Normalize"/>), kept at the bottom layer
/// because the key layout (<see cref="RegistryLayout.IndexPath"/>) is built from it.
/// </summary>
internal static class NameKey
{
    /// <summary>Runs of '-', '_' and '.' become one '-'; letters are lowercased.</summary>
    public static string Normalize(string name)
    {
        var chars = new char[name.Length];
        var length = 0;
        var inSeparator = false;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (!inSeparator)
                {
                    chars[length++] = '-';
                }

                inSeparator = true;
            }
            else
            {
                chars[length++] = char.ToLowerInvariant(c);
                inSeparator = false;
            }
        }

        return new string(chars, 0, length);
    }
}
