using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>Every refusal for a configurable limit names the option that raises it, in publish and in pack alike;
/// nothing is written.</summary>
public sealed class LimitOptionTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    public static TheoryData<string, string[], string> Limits() => new()
    {
        { "entries", ["--max-entries", "1"], "raise the limit with --max-entries [rule: limit-entries]" },
        {
            "unpacked",
            ["--max-unpacked-bytes", "100"],
            "raise the limit with --max-unpacked-bytes [rule: limit-unpacked-size]" },
        { "ratio", [], "raise the limit with --max-compression-ratio [rule: limit-ratio]" },
        {
            "package",
            ["--max-package-bytes", "100"],
            "raise the limit with --max-package-bytes [rule: limit-compressed-size]" },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task A_limit_refusal_names_its_option_in_publish_and_pack(
        string limit,
        string[] options,
        string expected)
    {
        await _registry.InitAsync();
        var folder = Directory.CreateDirectory(Path.Combine(_registry.Root, limit)).FullName;
        File.WriteAllText(Path.Combine(folder, "registry.json"), """{"name": "big", "version": "1.0.0"}""");
        // 2 MiB of zeros: past the ratio check's 1 MiB floor, and about 1000 times its gzip size.
        File.WriteAllBytes(Path.Combine(folder, "zeros.bin"), new byte[2 * 1024 * 1024]);
        var packed = await RegistryCli.RunAsync(
            ["pack", folder, "-o", Path.Combine(_registry.Root, "unchecked.tgz"), "--max-compression-ratio", "100000"]);
        Assert.True(packed.ExitCode == 0, packed.ToString());
        var before = _registry.StoreSnapshot();

        var publish = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, .. options, Path.Combine(_registry.Root, "unchecked.tgz")]);
        var pack = await RegistryCli.RunAsync(
            ["pack", folder, "-o", Path.Combine(_registry.Root, "refused.tgz"), .. options]);

        Assert.True(publish.ExitCode == 1, publish.ToString());
        Assert.Contains(expected, publish.Error, StringComparison.Ordinal);
        Assert.True(pack.ExitCode == 1, pack.ToString());
        Assert.Contains(expected, pack.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_registry.Root, "refused.tgz")));
        Assert.Equal(before, _registry.StoreSnapshot());
    }
}
