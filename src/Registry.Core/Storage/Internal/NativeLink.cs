using System.Runtime.InteropServices;

namespace Registry.Core.Storage.Internal;

/// <summary>
/// <c>link(2)</c>: gives an existing file a second name and fails with EEXIST when the name
/// is taken, atomically. <see cref="File.Move(string, string, bool)"/> without overwrite checks
/// for the destination and then renames, so two racing writers can both "create" the key
/// (seen in the tests); the create-only write needs the real primitive.
/// </summary>
internal static partial class NativeLink
{
    private const int EEXIST = 17;

    /// <summary>True when <paramref name="newPath"/> was created; false when it already existed.</summary>
    public static bool TryLink(string existingPath, string newPath)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                // MoveFileEx without MOVEFILE_REPLACE_EXISTING is atomic and refuses an existing name.
                File.Move(existingPath, newPath, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(newPath))
            {
                return false;
            }
        }

        if (link(existingPath, newPath) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }

        throw new IOException($"link({newPath}) failed with errno {errno}");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);
}
