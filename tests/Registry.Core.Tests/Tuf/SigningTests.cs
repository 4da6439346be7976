using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Tuf;

public sealed class SigningTests
{
    private static readonly DateTimeOffset Expires = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TimestampMetadata Sample(long version = 1) => new()
    {
        Type = RoleNames.Timestamp,
        Version = version,
        Expires = Expires,
        Meta = new Dictionary<string, MetaFile> { ["snapshot.json"] = new() {
            Version = 3,
            Length = 10,
            Hashes = new Dictionary<string, string> { ["sha256"] = new string('a', 64) } } },
    };

    [Fact]
    public void A_signed_document_verifies_and_round_trips_through_its_file()
    {
        using var key = SigningKey.Generate();
        var document = SignedDocument<TimestampMetadata>.Create(
            Sample(),
            [key],
            TufJsonContext.Default.TimestampMetadata);
        var parsed = SignedDocument<TimestampMetadata>.Parse(
            document.FileBytes,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            "t");
        MetadataVerifier.VerifyThreshold(
            parsed,
            new RoleKeys([key.KeyId], 1),
            new Dictionary<string, TufKey> { [key.KeyId] = key.Public },
            "t");
        Assert.Equal(3, parsed.Signed.Meta["snapshot.json"].Version);
        Assert.Equal(document.CanonicalSigned, parsed.CanonicalSigned);
    }

    [Fact]
    public void A_changed_byte_in_signed_fails_verification()
    {
        using var key = SigningKey.Generate();
        var document = SignedDocument<TimestampMetadata>.Create(
            Sample(),
            [key],
            TufJsonContext.Default.TimestampMetadata);
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(document.FileBytes)
            .Replace("\"version\":3", "\"version\":4", StringComparison.Ordinal));
        var parsed = SignedDocument<TimestampMetadata>.Parse(
            tampered,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            "t");
        var error = Assert.Throws<VerificationException>(() =>
            MetadataVerifier.VerifyThreshold(
                parsed,
                new RoleKeys([key.KeyId], 1),
                new Dictionary<string, TufKey> { [key.KeyId] = key.Public },
                "t"));
        Assert.Contains("0 valid signature(s), the role needs 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_counts_each_key_once_and_ignores_untrusted_keys()
    {
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();
        using var stranger = SigningKey.Generate();
        var keys = new Dictionary<string, TufKey> { [a.KeyId] = a.Public, [b.KeyId] = b.Public };
        var role = new RoleKeys([a.KeyId, b.KeyId], 2);

        var twoOfTwo = SignedDocument<TimestampMetadata>.Create(
            Sample(),
            [a, b],
            TufJsonContext.Default.TimestampMetadata);
        MetadataVerifier.VerifyThreshold(twoOfTwo, role, keys, "t");

        var aTwice = SignedDocument<TimestampMetadata>.Create(
            Sample(),
            [a, a],
            TufJsonContext.Default.TimestampMetadata);
        Assert.Throws<VerificationException>(() => MetadataVerifier.VerifyThreshold(aTwice, role, keys, "t"));

        var withStranger = SignedDocument<TimestampMetadata>.Create(
            Sample(),
            [a, stranger],
            TufJsonContext.Default.TimestampMetadata);
        Assert.Throws<VerificationException>(() => MetadataVerifier.VerifyThreshold(withStranger, role, keys, "t"));
    }

    [Fact]
    public void A_key_survives_a_pem_round_trip_with_the_same_key_id()
    {
        using var key = SigningKey.Generate();
        using var again = SigningKey.FromPem(key.ExportPrivatePem(), "test");
        Assert.Equal(key.KeyId, again.KeyId);
        Assert.Equal("ecdsa", again.Public.KeyType);
        Assert.Equal("ecdsa-sha2-nistp256", again.Public.Scheme);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", again.Public.KeyVal.Public, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_metadata_is_refused_at_the_instant_of_expiry()
    {
        var error = Assert.Throws<VerificationException>(
            () => MetadataVerifier.VerifyNotExpired(Sample(), Expires, "timestamp.json"));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        MetadataVerifier.VerifyNotExpired(Sample(), Expires.AddSeconds(-1), "timestamp.json");
    }

    [Fact]
    public void Signed_bytes_of_a_timestamp_match_the_golden_file() =>
        Golden.AssertMatches("timestamp.signed.json", SignedDocument<TimestampMetadata>.Create(
            Sample(7),
            [],
            TufJsonContext.Default.TimestampMetadata).CanonicalSigned);
}
