using Registry.Core.Storage;

namespace Registry.Core.Tuf;

/// <summary>
/// The root rotation rule: <c>N+1.root.json</c> is trusted only when signed by a threshold of
/// the keys of root N and by a threshold of its own keys, and its version is N+1.
/// </summary>
public static class RootChain
{
    /// <summary>Largest root accepted: hundreds of keys fit in a fraction of it.</summary>
    public const long MaxRootBytes = 512 * 1024;

    public static SignedDocument<RootMetadata> Parse(byte[] bytes, string source) =>
        SignedDocument<RootMetadata>.Parse(bytes, RoleNames.Root, TufJsonContext.Default.RootMetadata, source);

    /// <summary>
    /// A trust anchor: a root document that parses and is signed by a threshold of its own root
    /// keys. The one rule for every anchor (a client's source, a mirror's <c>--root</c>, a
    /// store's <c>1.root.json</c>).
    /// </summary>
    public static SignedDocument<RootMetadata> ParseAnchor(byte[] bytes, string source)
    {
        var root = Parse(bytes, source);
        VerifySelfSigned(root, source);
        return root;
    }

    /// <summary>Checks that a root is signed by a threshold of its own root keys (a trust anchor).</summary>
    public static void VerifySelfSigned(SignedDocument<RootMetadata> root, string source)
    {
        CheckRoles(root.Signed, source);
        MetadataVerifier.VerifyThreshold(root, root.Signed.Roles[RoleNames.Root], root.Signed.Keys, source);
    }

    /// <summary>Verifies <paramref name="next"/> as the successor of <paramref name="trusted"/>.</summary>
    public static void VerifySuccessor(SignedDocument<RootMetadata> trusted, SignedDocument<RootMetadata> next, string source)
    {
        CheckRoles(next.Signed, source);
        MetadataVerifier.VerifyThreshold(next, trusted.Signed.Roles[RoleNames.Root], trusted.Signed.Keys, source + " (by the previous root's keys)");
        MetadataVerifier.VerifyThreshold(next, next.Signed.Roles[RoleNames.Root], next.Signed.Keys, source + " (by its own keys)");
        if (next.Signed.Version != trusted.Signed.Version + 1)
        {
            throw new VerificationException($"{source}: root version {next.Signed.Version} does not follow {trusted.Signed.Version}");
        }
    }

    /// <summary>Walks <c>1.root.json</c>, <c>2.root.json</c>, ... in a store and returns the newest verified root.</summary>
    public static async Task<SignedDocument<RootMetadata>> LoadLatestAsync(IObjectReader store, CancellationToken cancellationToken, SignedDocument<RootMetadata>? anchor = null, Action<string, byte[]>? onVerified = null)
    {
        var trusted = anchor;
        if (trusted is null)
        {
            var first = await store.GetCappedOrNullAsync(RegistryLayout.RootKey(1), MaxRootBytes, cancellationToken).ConfigureAwait(false)
                ?? throw new VerificationException($"{store.Location}: {RegistryLayout.RootKey(1)} is missing");
            trusted = ParseAnchor(first.Content, RegistryLayout.RootKey(1));
        }

        while (true)
        {
            var key = RegistryLayout.RootKey(trusted.Signed.Version + 1);
            var next = await store.GetCappedOrNullAsync(key, MaxRootBytes, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return trusted;
            }

            var candidate = Parse(next.Content, key);
            VerifySuccessor(trusted, candidate, key);
            onVerified?.Invoke(key, next.Content);
            trusted = candidate;
        }
    }

    /// <summary>Every root of a store from <c>1.root.json</c> on, each verified as the successor of the one before; oldest first.</summary>
    public static async Task<IReadOnlyList<SignedDocument<RootMetadata>>> LoadChainAsync(IObjectReader store, CancellationToken cancellationToken)
    {
        var first = await store.GetOrNullAsync(RegistryLayout.RootKey(1), cancellationToken).ConfigureAwait(false)
            ?? throw new VerificationException($"{store.Location}: {RegistryLayout.RootKey(1)} is missing");
        var chain = new List<SignedDocument<RootMetadata>> { ParseAnchor(first.Content, RegistryLayout.RootKey(1)) };
        while (true)
        {
            var key = RegistryLayout.RootKey(chain[^1].Signed.Version + 1);
            var next = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return chain;
            }

            var candidate = Parse(next.Content, key);
            VerifySuccessor(chain[^1], candidate, key);
            chain.Add(candidate);
        }
    }

    private static void CheckRoles(RootMetadata root, string source)
    {
        foreach (var role in RoleNames.TopLevel)
        {
            if (!root.Roles.ContainsKey(role))
            {
                throw new VerificationException($"{source}: root does not define the {role} role");
            }
        }

        if (!root.ConsistentSnapshot)
        {
            throw new VerificationException($"{source}: consistent_snapshot must be true for this registry layout");
        }
    }
}
