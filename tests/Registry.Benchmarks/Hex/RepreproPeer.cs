using System.Diagnostics;
using System.Text.Json;

namespace Registry.Benchmarks.Hex;

internal sealed record PeerImportFigures(
    int Packages,
    int Seed,
    int Generator,
    double Seconds,
    string Version,
    string Key);

internal sealed record PeerFigures(
    int Packages,
    double Seconds,
    IReadOnlyList<double> SampleSeconds,
    long PackagesFileBytes,
    long PackagesGzBytes,
    long InReleaseBytes,
    PeerImportFigures Import);

/// <summary>
/// The peer: reprepro (Debian) keeping a signed apt repository (<c>SignWith</c>, a
/// passphrase-less RSA 4096 key in its own GNUPGHOME) with one .deb per generated package
/// name, bulk-included once (kept with --keep). Then <c>reprepro includedeb</c> of ONE new
/// version of a package, a process per sample, timed like our CLI publish, on a copy.
/// </summary>
internal static class RepreproPeer
{
    private const string Codename = "bench";

    public static async Task<PeerFigures> RunAsync(HexRun run)
    {
        await EnsureInstalledAsync();
        var folder = run.Workspace.Peer;
        var gnupg = Path.Combine(folder, "gnupg");
        var env = new Dictionary<string, string> { ["GNUPGHOME"] = gnupg };
        try
        {
            var import = await LoadOrBuildAsync(run, folder, env);
            var repo = Path.Combine(run.Workspace.Run, "reprepro");
            (await Proc.RunAsync("cp", ["-a", Path.Combine(folder, "repo"), repo])).Check("cp -a reprepro repository");
            var package = run.TypicalPackage(run.Options.MiddlePackages);
            var seconds = new List<double>();
            for (var s = 1; s <= run.Options.Samples; s++)
            {
                var deb = Path.Combine(run.Workspace.Run, $"{package.Name}_1.0.{s}_amd64.deb");
                await File.WriteAllBytesAsync(
                    deb,
                    DebFile.Build(package.Name, $"1.0.{s}", $"benchmark package {package.Name}"));
                var result = (await Proc.RunAsync("reprepro", ["-b", repo, "includedeb", Codename, deb], env: env))
                    .Check("reprepro includedeb");
                seconds.Add(result.Elapsed.TotalSeconds);
            }

            var dists = Path.Combine(repo, "dists", Codename);
            var figures = new PeerFigures(import.Packages, Stats.Median(seconds), seconds,
                new FileInfo(Path.Combine(dists, "main", "binary-amd64", "Packages")).Length,
                new FileInfo(Path.Combine(dists, "main", "binary-amd64", "Packages.gz")).Length,
                new FileInfo(Path.Combine(dists, "InRelease")).Length, import);
            Proc.Say($"reprepro includedeb into {import.Packages} packages: {figures.Seconds:0.000} s");
            return figures;
        }
        finally
        {
            // the agent gpg started for this GNUPGHOME
            await Proc.RunAsync("gpgconf", ["--kill", "gpg-agent"], env: env);
        }
    }

    private static async Task<PeerImportFigures> LoadOrBuildAsync(
        HexRun run,
        string folder,
        Dictionary<string, string> env)
    {
        var stateFile = Path.Combine(folder, "peer.json");
        if (File.Exists(stateFile)
            && JsonSerializer.Deserialize<PeerImportFigures>(File.ReadAllBytes(stateFile)) is { } kept
            && kept.Packages == run.Options.Packages
            && kept.Seed == run.Options.Seed
            && kept.Generator == HexShape.GeneratorVersion)
        {
            Proc.Say($"reprepro: reusing the {kept.Packages}-package apt repository in {folder}");
            return kept;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var gnupg = env["GNUPGHOME"];
        Directory.CreateDirectory(gnupg);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string[] generate =
        [
            "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
            "--quick-gen-key", "Registry Benchmark <bench@example.invalid>", "rsa4096", "sign", "never",
        ];
        (await Proc.RunAsync("gpg", generate, env: env)).Check("gpg --quick-gen-key");
        var listing = (await Proc.RunAsync("gpg", ["--batch", "--with-colons", "--list-secret-keys"], env: env)).Check(
            "gpg --list-secret-keys").Out;
        var fingerprint = listing.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];

        var repo = Path.Combine(folder, "repo");
        Directory.CreateDirectory(Path.Combine(repo, "conf"));
        await File.WriteAllTextAsync(Path.Combine(repo, "conf", "distributions"),
            $"Origin: Registry Benchmark\nLabel: Registry Benchmark\nCodename: {Codename}\nArchitectures: "
            + $"amd64\nComponents: main\nDescription: peer of the registry benchmark\nSignWith: {fingerprint}\n");

        var debs = Path.Combine(folder, "debs");
        Directory.CreateDirectory(debs);
        var files = run.Shape.Packages.Select(p =>
        {
            var path = Path.Combine(debs, $"{p.Name}_1.0.0_amd64.deb");
            File.WriteAllBytes(path, DebFile.Build(p.Name, "1.0.0", $"benchmark package {p.Name}"));
            return path;
        }).ToList();
        (await Proc.RunAsync("dpkg-deb", ["--info", files[0]])).Check(
            $"dpkg-deb --info {files[0]} (the generated .deb is malformed)");

        Proc.Say($"reprepro: including {files.Count} .debs into {repo}");
        var clock = Stopwatch.StartNew();
        foreach (var chunk in files.Chunk(500))
        {
            (await Proc.RunAsync("reprepro", ["-b", repo, "includedeb", Codename, .. chunk], env: env)).Check(
                "reprepro includedeb (bulk)");
        }

        clock.Stop();
        Directory.Delete(debs, recursive: true);
        var version = (await Proc.RunAsync("reprepro", ["--version"])).Err.Trim().Split('\n')[0] is { Length: > 0 } v
            ? v
            : "reprepro";
        var import = new PeerImportFigures(
            files.Count,
            run.Options.Seed,
            HexShape.GeneratorVersion,
            clock.Elapsed.TotalSeconds,
            version,
            "rsa4096");
        await File.WriteAllBytesAsync(stateFile, JsonSerializer.SerializeToUtf8Bytes(import));
        return import;
    }

    private static async Task EnsureInstalledAsync()
    {
        if ((await Proc.RunAsync("sh", ["-c", "command -v reprepro && command -v gpg && command -v dpkg-deb"]))
            .ExitCode == 0)
        {
            return;
        }

        Proc.Say("installing reprepro, gnupg, dpkg-dev with apt-get");
        if ((await Proc.RunAsync(
            "apt-get",
            ["install", "-y", "--no-install-recommends", "reprepro", "gnupg", "dpkg-dev"])).ExitCode != 0)
        {
            (await Proc.RunAsync("apt-get", ["update"])).Check("apt-get update");
            (await Proc.RunAsync(
                "apt-get",
                ["install", "-y", "--no-install-recommends", "reprepro", "gnupg", "dpkg-dev"])).Check("apt-get install "
                    + "reprepro gnupg dpkg-dev");
        }
    }
}
