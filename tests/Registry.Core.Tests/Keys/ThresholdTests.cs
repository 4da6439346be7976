using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Keys;

/// <summary>k of n for every role: signing uses the held keys (at least k), verification counts distinct valid
/// keys.</summary>
public sealed class ThresholdTests : IDisposable
{
    private static readonly DateTimeOffset Expires = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly SigningKey[] _keys = [SigningKey.Generate(), SigningKey.Generate(), SigningKey.Generate()];

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private RoleKeys TwoOfThree => new([.. _keys.Select(k => k.KeyId)], 2);

    private Dictionary<string, TufKey> Keys => _keys.ToDictionary(k => k.KeyId, k => k.Public);

    private static SignedDocument<TimestampMetadata> Timestamp(IEnumerable<SigningKey> signers) =>
        SignedDocument<TimestampMetadata>.Create(new TimestampMetadata
        {
            Type = RoleNames.Timestamp,
            Version = 1,
            Expires = Expires,
            Meta = new Dictionary<string, MetaFile> { ["snapshot.json"] = new() { Version = 1 } },
        }, signers, TufJsonContext.Default.TimestampMetadata);

    private static SignedDocument<TimestampMetadata> Reparse(byte[] file) =>
        SignedDocument<TimestampMetadata>.Parse(
            file,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            "t");

    [Fact]
    public void Two_of_three_verifies_with_any_two_keys_and_not_with_one()
    {
        MetadataVerifier.VerifyThreshold(Timestamp([_keys[0], _keys[2]]), TwoOfThree, Keys, "t");
        MetadataVerifier.VerifyThreshold(Timestamp(_keys), TwoOfThree, Keys, "t");
        var error = Assert.Throws<VerificationException>(
            () => MetadataVerifier.VerifyThreshold(Timestamp([_keys[1]]), TwoOfThree, Keys, "t"));
        Assert.Contains("1 valid signature(s), the role needs 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_key_signing_twice_counts_once()
    {
        var once = Timestamp([_keys[0]]);
        var text = System.Text.Encoding.UTF8.GetString(once.FileBytes);
        var signature = text[
            (text.IndexOf('[', StringComparison.Ordinal) + 1)..text.IndexOf(']', StringComparison.Ordinal)];
        var twice = Reparse(System.Text.Encoding.UTF8
            .GetBytes(text.Replace(signature, signature + "," + signature, StringComparison.Ordinal)));
        Assert.Equal(2, twice.Signatures.Count);
        Assert.Equal(1, MetadataVerifier.CountValidSignatures(twice, TwoOfThree, Keys));
    }

    [Fact]
    public void One_public_key_listed_under_two_key_ids_counts_once()
    {
        var alias = new TufKey(SigningKey.Scheme, SigningKey.Scheme, _keys[0].Public.KeyVal);
        var aliasId = SigningKey.KeyIdOf(alias);
        Assert.NotEqual(_keys[0].KeyId, aliasId);
        var keys = new Dictionary<string, TufKey> { [_keys[0].KeyId] = _keys[0].Public, [aliasId] = alias };
        var role = new RoleKeys([_keys[0].KeyId, aliasId], 2);
        var document = Timestamp([_keys[0]]);
        var forged = document.WithSignatures([document.Signatures[0] with { KeyId = aliasId }]);
        Assert.Equal(2, forged.Signatures.Count);
        Assert.Equal(1, MetadataVerifier.CountValidSignatures(forged, role, keys));
    }

    [Fact]
    public void One_key_listed_under_two_key_ids_with_its_pem_wrapped_differently_counts_once()
    {
        var (aliasId, alias) = KeyAliases.AliasOf(_keys[0]);
        Assert.NotEqual(_keys[0].KeyId, aliasId);
        var keys = new Dictionary<string, TufKey> { [_keys[0].KeyId] = _keys[0].Public, [aliasId] = alias };
        var role = new RoleKeys([_keys[0].KeyId, aliasId], 2);

        var forged = KeyAliases.SignedAgainUnder(Timestamp([_keys[0]]), _keys[0], aliasId);

        Assert.Equal(
            new[] { _keys[0].KeyId, aliasId }.Order(StringComparer.Ordinal),
            forged.Signatures.Select(s => s.KeyId));
        Assert.All(
            forged.Signatures,
            s => Assert.True(SigningKey.Verify(keys[s.KeyId], forged.CanonicalSigned, s.Sig)));
        Assert.Equal(1, MetadataVerifier.CountValidSignatures(forged, role, keys));
        var error = Assert.Throws<VerificationException>(
            () => MetadataVerifier.VerifyThreshold(forged, role, keys, "t"));
        Assert.Contains("1 valid signature(s), the role needs 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_that_lists_one_key_under_two_key_ids_is_refused_naming_the_rule()
    {
        var (aliasId, alias) = KeyAliases.AliasOf(_keys[0]);
        var root = new RootMetadata
        {
            Type = RoleNames.Root,
            Version = 1,
            Expires = Expires,
            Keys = new Dictionary<string, TufKey>(Keys) { [aliasId] = alias },
            Roles = RoleNames.TopLevel.ToDictionary(
                r => r,
                r => r == RoleNames.Root ? new RoleKeys([_keys[0].KeyId, aliasId], 2) : TwoOfThree),
        };
        var signedOnce = KeyAliases.SignedOnceListedTwice(root, _keys[0], aliasId, TufJsonContext.Default.RootMetadata);

        var error = Assert.Throws<VerificationException>(
            () => RootChain.ParseAnchor(signedOnce.FileBytes, "1.root.json"));

        Assert.Equal("root-duplicate-key", error.Rule);
        Assert.Contains(
            "1.root.json: root lists one public key under two key ids",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains(aliasId[..12], error.Message, StringComparison.Ordinal);
        Assert.Contains(_keys[0].KeyId[..12], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_uses_every_held_key_of_the_role_and_refuses_fewer_than_the_threshold()
    {
        var folder = Path.Combine(Path.GetTempPath(), "registry-threshold-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.pem"), _keys[0].ExportPrivatePem());
            File.WriteAllText(Path.Combine(folder, "b.pem"), _keys[1].ExportPrivatePem());
            File.WriteAllText(Path.Combine(folder, "b-copy.pem"), _keys[1].ExportPrivatePem());
            using var ring = KeyRing.Load(folder);
            var signers = ring.KeysFor("timestamp", TwoOfThree);
            Assert.Equal(2, signers.Select(k => k.KeyId).Distinct().Count());
            Assert.Equal(2, signers.Count);
            MetadataVerifier.VerifyThreshold(Reparse(Timestamp(signers).FileBytes), TwoOfThree, Keys, "t");

            var threeOfThree = TwoOfThree with { Threshold = 3 };
            var error = Assert.Throws<EnvironmentException>(() => ring.KeysFor("timestamp", threeOfThree));
            Assert.Contains(
                "holds 2 of the timestamp role's keys, it needs 3",
                error.Message,
                StringComparison.Ordinal);
            Assert.False(ring.Holds(threeOfThree));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_root_successor_needs_the_old_and_the_new_threshold()
    {
        using var newKey = SigningKey.Generate();
        var root1 = new RootMetadata
        {
            Type = RoleNames.Root,
            Version = 1,
            Expires = Expires,
            Keys = Keys,
            Roles = RoleNames.TopLevel.ToDictionary(r => r, _ => TwoOfThree),
        };
        var trusted = SignedDocument<RootMetadata>.Create(root1, _keys[..2], TufJsonContext.Default.RootMetadata);
        RootChain.VerifySelfSigned(trusted, "1.root.json");

        var keys2 = new Dictionary<string, TufKey>(Keys) { [newKey.KeyId] = newKey.Public };
        var root2 = root1 with { Version = 2, Keys = keys2, Roles = root1.Roles.ToDictionary(
            r => r.Key,
            r => r.Key == RoleNames.Root ? new RoleKeys([_keys[2].KeyId, newKey.KeyId], 2) : r.Value) };

        // Two old keys sign, but the new root role (key 2 and the new key) has only one of them.
        var shortOfNew = SignedDocument<RootMetadata>.Create(
            root2,
            [_keys[0], _keys[2]],
            TufJsonContext.Default.RootMetadata);
        Assert.Contains("by its own keys", Assert.Throws<VerificationException>(
            () => RootChain.VerifySuccessor(trusted, shortOfNew, "2.root.json")).Message, StringComparison.Ordinal);

        // The new root keys sign, but only one old key.
        var shortOfOld = SignedDocument<RootMetadata>.Create(
            root2,
            [_keys[2], newKey],
            TufJsonContext.Default.RootMetadata);
        Assert.Contains("by the previous root's keys", Assert.Throws<VerificationException>(
            () => RootChain.VerifySuccessor(trusted, shortOfOld, "2.root.json")).Message, StringComparison.Ordinal);

        RootChain.VerifySuccessor(trusted, SignedDocument<RootMetadata>.Create(
            root2,
            [_keys[0], _keys[2], newKey],
            TufJsonContext.Default.RootMetadata), "2.root.json");
    }
}
