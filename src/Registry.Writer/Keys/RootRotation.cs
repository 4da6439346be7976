using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Keys;

/// <summary>How many valid signatures a proposed root carries, by the old root's keys and by its own.</summary>
public sealed record RootSignatureCount(
    long TrustedVersion,
    int ByTrusted,
    int TrustedThreshold,
    int ByItself,
    int OwnThreshold,
    IReadOnlyList<string> UnsignedTrustedKeys,
    IReadOnlyList<string> UnsignedOwnKeys)
{
    public bool Complete => ByTrusted >= TrustedThreshold && ByItself >= OwnThreshold;
}

/// <summary>What <c>root publish</c> wrote, and which roles the writers must now sign with new keys.</summary>
public sealed record RootPublishResult(
    long Version,
    string Key,
    string Sha256,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> RolesWithNewKeys);

/// <summary>
/// Root rotation by the TUF rules: root N+1 must be signed by a threshold of root N's root
/// keys and by a threshold of its own root keys, carry version N+1 and not be expired. Its
/// signatures are collected one key holder at a time (<see cref="Sign"/>), and it is published
/// create-only as <c>metadata/N+1.root.json</c>: every root version is kept forever, so a
/// client holding any older root can walk the chain.
/// </summary>
public static class RootRotation
{
    public static SignedDocument<RootMetadata> ReadProposal(string path)
    {
        if (!File.Exists(path))
        {
            throw new EnvironmentException($"{path}: no such file");
        }

        return RootChain.Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Writes a proposal through a temporary file and a rename, so a crash never leaves half a file.</summary>
    public static void WriteProposal(string path, SignedDocument<RootMetadata> proposal, bool replace)
    {
        var full = Path.GetFullPath(path);
        if (!replace && File.Exists(full))
        {
            throw new EnvironmentException($"{path}: exists already; remove it or choose another -o");
        }

        AtomicFile.Write(full, proposal.FileBytes);
    }

    /// <summary>Adds (or replaces) the signature of <paramref name="key"/>.</summary>
    public static SignedDocument<RootMetadata> Sign(SignedDocument<RootMetadata> proposal, SigningKey key) =>
        proposal.WithSignatures([key.Sign(proposal.CanonicalSigned)]);

    /// <summary>Counts the proposal's valid signatures against <paramref name="trusted"/> (root N) and against
    /// itself.</summary>
    public static RootSignatureCount Count(SignedDocument<RootMetadata> trusted, SignedDocument<RootMetadata> proposal)
    {
        var trustedRole = trusted.Signed.Roles[RoleNames.Root];
        var ownRole = proposal.Signed.Roles.GetValueOrDefault(RoleNames.Root)
            ?? throw new ValidationException(Rules.RootInvalid, "the proposal defines no root role");
        var byTrusted = MetadataVerifier.CountValidSignatures(proposal, trustedRole, trusted.Signed.Keys);
        var byItself = MetadataVerifier.CountValidSignatures(proposal, ownRole, proposal.Signed.Keys);
        var valid = proposal.Signatures
            .Where(s => (trusted.Signed.Keys.TryGetValue(s.KeyId, out var k) || proposal.Signed.Keys
                .TryGetValue(s.KeyId, out k)) && SigningKey.Verify(k, proposal.CanonicalSigned, s.Sig))
            .Select(s => s.KeyId)
            .ToHashSet(StringComparer.Ordinal);
        return new RootSignatureCount(
            trusted.Signed.Version, byTrusted, trustedRole.Threshold, byItself, ownRole.Threshold,
            [.. trustedRole.KeyIds.Where(id => !valid.Contains(id))], [.. ownRole.KeyIds
                .Where(id => !valid.Contains(id))]);
    }

    /// <summary>
    /// Publishes a signed proposal as the store's next root. Refuses (writing nothing) a proposal
    /// that is not version N+1, is expired, is not a well-formed root (<see cref="RootChain.VerifyWellFormed"/>),
    /// or lacks either threshold of signatures.
    /// </summary>
    public static async Task<RootPublishResult> PublishAsync(
        IObjectStore store,
        SignedDocument<RootMetadata> proposal,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var chain = await RootChain.LoadChainAsync(store, cancellationToken).ConfigureAwait(false);
        var trusted = chain[^1];
        var version = trusted.Signed.Version + 1;
        if (proposal.Signed.Version != version)
        {
            throw new ValidationException(Rules.RootVersion,
                $"the proposal is root version {proposal.Signed.Version}, but the store's root is version "
                + $"{trusted.Signed.Version}: only version {version} can follow; propose again from the current root");
        }

        if (MetadataVerifier.IsExpired(proposal.Signed, time.GetUtcNow()))
        {
            throw new ValidationException(
                Rules.RootExpired,
                $"the proposal expired at {proposal.Signed.Expires:yyyy-MM-ddTHH:mm:ssZ}; propose again");
        }

        RootChain.VerifyWellFormed(proposal.Signed, "the proposal");
        var count = Count(trusted, proposal);
        if (!count.Complete)
        {
            throw new ValidationException(Rules.RootThreshold, DescribeMissing(count));
        }

        RootChain.VerifySuccessor(trusted, proposal, $"root version {version}");
        var key = RegistryLayout.RootKey(version);
        var policy = (await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false)).CachePolicy;
        if (await store.PutIfAbsentAsync(key, proposal.FileBytes, policy.For(key), cancellationToken)
            .ConfigureAwait(false) != PutResult.Created)
        {
            throw new ConflictException(
                $"{store.Location}/{key}: another root version {version} was published meanwhile; nothing was written");
        }

        var rolesWithNewKeys = RoleNames.TopLevel
            .Where(r => r != RoleNames.Root && !SameRole(trusted.Signed, proposal.Signed, r))
            .ToList();
        return new RootPublishResult(
            version,
            key,
            Hashing.Sha256Hex(proposal.FileBytes),
            RootProposal.Describe(trusted.Signed, proposal.Signed),
            rolesWithNewKeys);
    }

    /// <summary>One line saying which thresholds are short and which keys have not signed.</summary>
    public static string DescribeMissing(RootSignatureCount count)
    {
        var parts = new List<string>();
        if (count.ByTrusted < count.TrustedThreshold)
        {
            parts.Add($"{count.ByTrusted} of the {count.TrustedThreshold} signatures the current root (version "
                + $"{count.TrustedVersion}) requires (unsigned: "
                + $"{string.Join(", ", count.UnsignedTrustedKeys.Select(SigningKey.ShortId))})");
        }

        if (count.ByItself < count.OwnThreshold)
        {
            parts.Add($"{count.ByItself} of the {count.OwnThreshold} signatures its own root keys require (unsigned: "
                + $"{string.Join(", ", count.UnsignedOwnKeys.Select(SigningKey.ShortId))})");
        }

        return $"the proposed root has {string.Join(", and ", parts)}; collect them with 'registry root sign FILE "
            + "--key KEY' and publish again";
    }

    private static bool SameRole(RootMetadata a, RootMetadata b, string role)
    {
        var x = a.Roles[role];
        var y = b.Roles[role];
        return x.Threshold == y.Threshold
            && x.KeyIds.ToHashSet(StringComparer.Ordinal).SetEquals(y.KeyIds)
            && y.KeyIds.All(id => a.Keys.TryGetValue(id, out var k) && b.Keys.TryGetValue(id, out var l) && k == l);
    }
}
