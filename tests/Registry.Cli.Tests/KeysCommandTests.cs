using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary><c>registry keys generate</c> and encrypted keys at rest, through every signing command.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private readonly TestRegistry _registry = new();

    /// <summary>A variable only this test reads: tests run in parallel in one process.</summary>
    private readonly string _variable = "REGISTRY_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    public KeysCommandTests() => Environment.SetEnvironmentVariable(_variable, Passphrase);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _registry.Dispose();
    }

    private string KeyDir => Path.Combine(_registry.Root, "generated");

    [Fact]
    public async Task Generate_writes_an_encrypted_0600_key_and_its_public_half_and_prints_the_key_id()
    {
        var result = await RegistryCli.RunAsync(
            "keys",
            "generate",
            "--role",
            "timestamp",
            "--out",
            KeyDir,
            "--passphrase-env",
            _variable);
        Assert.True(result.ExitCode == 0, result.ToString());

        var pem = Directory.GetFiles(KeyDir, "timestamp-*.pem").Single();
        var keyId = result.Out.Split('\n')[0]["key id: ".Length..];
        Assert.Matches("^[0-9a-f]{64}$", keyId);
        Assert.Equal($"timestamp-{keyId[..8]}.pem", Path.GetFileName(pem));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(pem), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pem));
        }

        var publicPem = File.ReadAllText(Path.ChangeExtension(pem, ".pub"));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicPem, StringComparison.Ordinal);
        Assert.Contains(publicPem, result.Out, StringComparison.Ordinal);
        Assert.Contains("(encrypted, mode 0600)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_without_a_passphrase_refuses_unless_unencrypted_is_asked_for()
    {
        var refused = await RegistryCli.RunProcessAsync(
            ["keys", "generate", "--role", "root", "--out", KeyDir],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = "" });
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("no passphrase to encrypt the key with", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(KeyDir) && Directory.EnumerateFileSystemEntries(KeyDir).Any());

        var plain = await RegistryCli.RunAsync("keys", "generate", "--role", "root", "--out", KeyDir, "--unencrypted");
        Assert.Equal(0, plain.ExitCode);
        Assert.StartsWith(
            "-----BEGIN PRIVATE KEY-----",
            File.ReadAllText(Directory.GetFiles(KeyDir, "root-*.pem").Single()),
            StringComparison.Ordinal);
        Assert.Contains("warning: ", plain.Error, StringComparison.Ordinal);

        Assert.Equal(2, (await RegistryCli.RunAsync(
            "keys",
            "generate",
            "--role",
            "bins",
            "--out",
            KeyDir,
            "--unencrypted")).ExitCode);
        Environment.SetEnvironmentVariable(_variable, "short");
        var weak = await RegistryCli.RunAsync(
            "keys",
            "generate",
            "--role",
            "root",
            "--out",
            KeyDir,
            "--passphrase-env",
            _variable);
        Assert.Equal(2, weak.ExitCode);
        Assert.Contains("use at least 8", weak.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_with_a_passphrase_encrypts_the_keys_and_signing_commands_decrypt_them()
    {
        await _registry.InitAsync("--passphrase-env", _variable);
        foreach (var file in Directory.GetFiles(_registry.Keys, "*.pem"))
        {
            Assert.StartsWith(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                File.ReadAllText(file),
                StringComparison.Ordinal);
        }

        var published = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, "--passphrase-env", _variable, _registry.Package("alpha", "1.0.0")]);
        Assert.True(published.ExitCode == 0, published.ToString());

        // The default variable works the same, out of process.
        var refreshed = await RegistryCli.RunProcessAsync(
            ["refresh", .. _registry.StoreArgs],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = Passphrase });
        Assert.True(refreshed.ExitCode == 0, refreshed.ToString());
    }

    [Fact]
    public async Task A_wrong_or_missing_passphrase_is_one_line_naming_the_file_and_nothing_is_written()
    {
        await _registry.InitAsync("--passphrase-env", _variable);
        var before = _registry.StoreSnapshot();
        var wrong = "REGISTRY_TEST_WRONG_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(wrong, "not the passphrase");
        try
        {
            var result = await RegistryCli.RunAsync(
                ["publish", .. _registry.StoreArgs, "--passphrase-env", wrong, _registry.Package("alpha", "1.0.0")]);
            Assert.Equal(2, result.ExitCode);
            Assert.Equal(
                $"registry: error: {Path.Combine(_registry.Keys, "root.pem")}: cannot decrypt the key with the "
                + $"passphrase from {wrong} (wrong passphrase, or a damaged file)\n",
                result.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(wrong, null);
        }

        var missing = await RegistryCli.RunProcessAsync(
            ["refresh", .. _registry.StoreArgs],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = "" });
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.Error.Trim().Split('\n'));
        Assert.Contains("the key is encrypted and no passphrase was given", missing.Error, StringComparison.Ordinal);

        var unset = await RegistryCli.RunAsync(["refresh", .. _registry
            .StoreArgs, "--passphrase-env", "REGISTRY_TEST_UNSET_" + Guid.NewGuid().ToString("N")]);
        Assert.Equal(2, unset.ExitCode);
        Assert.Contains("the variable is not set", unset.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Init_without_a_passphrase_writes_unencrypted_keys_and_warns()
    {
        var result = await RegistryCli.RunProcessAsync(
            ["init", .. _registry.StoreArgs, "--bins", "4"],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = "" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("registry: warning: the keys are stored UNENCRYPTED", result.Error, StringComparison.Ordinal);
        Assert.StartsWith(
            "-----BEGIN PRIVATE KEY-----",
            File.ReadAllText(Path.Combine(_registry.Keys, "timestamp.pem")),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_uses_the_keys_that_keys_generate_wrote()
    {
        var generated = await RegistryCli.RunAsync(
            "keys",
            "generate",
            "--role",
            "root",
            "--out",
            _registry.Keys,
            "--passphrase-env",
            _variable);
        var keyId = generated.Out.Split('\n')[0]["key id: ".Length..];
        await _registry.InitAsync("--passphrase-env", _variable);
        var root = File.ReadAllText(Path.Combine(_registry.Store, "metadata", "1.root.json"));
        Assert.Contains($"\"root\":{{\"keyids\":[\"{keyId}\"]", root, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_registry.Keys, "root.pem")));
    }
}
