using Registry.Core.Tuf;

namespace Registry.Core.Tests.Keys;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(
        Path.GetTempPath(),
        "registry-keyfile-tests",
        Guid.NewGuid().ToString("N"));

    public KeyFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void An_encrypted_key_round_trips_with_its_passphrase_and_is_written_0600_with_a_pub_beside_it()
    {
        using var key = SigningKey.Generate();
        KeyFile.Write(PathOf("targets.pem"), key, "correct horse battery");

        var pem = File.ReadAllText(PathOf("targets.pem"));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", pem, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("targets.pem")));
        }

        using var loaded = KeyFile.Read(
            PathOf("targets.pem"),
            PassphraseSource.Fixed("correct horse battery", "TEST_VAR"));
        Assert.Equal(key.KeyId, loaded.KeyId);
        Assert.Equal(key.KeyId, KeyFile.KeyIdOrNull(PathOf("targets.pem")));
        Assert.Equal(key.Public, KeyFile.ReadPublic(PathOf("targets.pub"), null));
    }

    [Fact]
    public void The_encryption_is_pbes2_aes256_cbc_with_pbkdf2_sha256_and_many_iterations()
    {
        using var key = SigningKey.Generate();
        KeyFile.Write(PathOf("k.pem"), key, "correct horse battery");
        var der = Convert.FromBase64String(string.Concat(
            File.ReadAllLines(PathOf("k.pem")).Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        var hex = Convert.ToHexString(der);
        Assert.Contains("2A864886F70D01050D", hex, StringComparison.Ordinal); // PBES2
        Assert.Contains("2A864886F70D01050C", hex, StringComparison.Ordinal); // PBKDF2
        Assert.Contains("2A864886F70D0209", hex, StringComparison.Ordinal); // HMAC-SHA256
        Assert.Contains("60864801650304012A", hex, StringComparison.Ordinal); // AES-256-CBC
        Assert.Contains("0927C0", hex, StringComparison.Ordinal); // 600000 iterations
    }

    [Fact]
    public void A_wrong_passphrase_is_an_environment_error_naming_the_file()
    {
        using var key = SigningKey.Generate();
        KeyFile.Write(PathOf("root.pem"), key, "correct horse battery");
        var error = Assert.Throws<EnvironmentException>(
            () => KeyFile.Read(PathOf("root.pem"), PassphraseSource.Fixed("wrong horse battery", "TEST_VAR")));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains(PathOf("root.pem"), error.Message, StringComparison.Ordinal);
        Assert.Contains(
            "cannot decrypt the key with the passphrase from TEST_VAR",
            error.Message,
            StringComparison.Ordinal);

        var missing = Assert.Throws<EnvironmentException>(() => KeyFile.Read(PathOf("root.pem"), null));
        Assert.Contains("the key is encrypted and no passphrase was given", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_file_is_never_overwritten()
    {
        using var key = SigningKey.Generate();
        using var other = SigningKey.Generate();
        KeyFile.Write(PathOf("a.pem"), key, null);
        Assert.Throws<EnvironmentException>(() => KeyFile.Write(PathOf("a.pem"), other, null));
        using var loaded = KeyFile.Read(PathOf("a.pem"), null);
        Assert.Equal(key.KeyId, loaded.KeyId);
    }

    [Fact]
    public void A_key_ring_loads_encrypted_and_plain_keys_and_skips_public_ones()
    {
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();
        KeyFile.Write(PathOf("a.pem"), a, "correct horse battery");
        KeyFile.Write(PathOf("b.pem"), b, null);
        File.WriteAllText(PathOf("c.pub.pem"), a.Public.KeyVal.Public);

        using var ring = KeyRing.Load(_folder, PassphraseSource.Fixed("correct horse battery", "TEST_VAR"));
        Assert.Equal(
            new[] { a.KeyId, b.KeyId }.Order(StringComparer.Ordinal),
            ring.Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal));
        Assert.Equal(PathOf("a.pem"), ring.FileOf[a.KeyId]);

        var scanned = KeyFile.ScanFolder(_folder);
        Assert.Equal([PathOf("a.pem")], scanned[a.KeyId]);
        Assert.Equal([PathOf("b.pem")], scanned[b.KeyId]);
    }

    [Fact]
    public void New_role_keys_are_encrypted_when_the_source_has_a_passphrase_for_them()
    {
        using (var ring = KeyRing.Load(_folder, PassphraseSource.Fixed("correct horse battery", "TEST_VAR")))
        {
            ring.GetOrCreateRoleKey(RoleNames.Timestamp);
        }

        Assert.True(KeyFile.IsEncrypted(File.ReadAllText(PathOf("timestamp.pem"))));
        Assert.True(File.Exists(PathOf("timestamp.pub")));
        Assert.Throws<EnvironmentException>(() => KeyRing.Load(_folder));
    }
}
