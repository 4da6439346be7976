using Registry.Core.Packages;

namespace Registry.Core.Publishing;

/// <summary>How far reading a batch of package files has come.</summary>
public readonly record struct PackageReadProgress(int Done, int Total, string File);

/// <summary>
/// Reads the package files of one publish before anything is written, and reports every bad one,
/// not only the first: one bad file fails with its own error; several are each told to the caller,
/// then fail together, naming how many (exit code the worst of theirs). Nothing is written either way.
/// </summary>
public static class PackageBatch
{
    public static async Task<IReadOnlyList<PackageFile>> ReadAllAsync(
        IReadOnlyList<string> files,
        PackageLimits limits,
        Func<RegistryException, Task> reportEach,
        IProgress<PackageReadProgress>? progress = null)
    {
        var packages = new List<PackageFile>(files.Count);
        var failures = new List<RegistryException>();
        foreach (var file in files)
        {
            try
            {
                packages.Add(PackageReader.Read(file, limits));
            }
            catch (RegistryException e)
            {
                failures.Add(e);
            }

            var done = packages.Count + failures.Count;
            progress?.Report(new PackageReadProgress(done, files.Count, Path.GetFileName(file)));
        }

        if (failures.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures.Count > 1)
        {
            foreach (var failure in failures)
            {
                await reportEach(failure).ConfigureAwait(false);
            }

            throw new RegistryException(
                $"{failures.Count} of {files.Count} package files are invalid (each reported above); "
                + "nothing was published",
                failures.Max(f => f.ExitCode));
        }

        return packages;
    }
}
