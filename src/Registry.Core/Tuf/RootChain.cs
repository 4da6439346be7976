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

    /// <summary>
    /// Most root rotations one update follows past the root it starts from (python-tuf's
    /// <c>max_root_rotations</c>), so a server that keeps serving validly signed next roots cannot
    /// keep a reader fetching forever. A reader that holds a trusted root (the client, a mirror)
    /// keeps each root it verifies, so the next update goes on from there: the cap bounds one
    /// update, not the registry's life.
    /// </summary>
    public const int MaxRotations = 32;

    /// <summary>
    /// Most root versions a walk from <c>1.root.json</c> follows (<c>verify</c>, the writers,
    /// <c>root propose</c>, a reader with no trusted root of its own): the registry's whole history,
    /// bounded, so the same endless-roots server still ends the walk. A root rotated every week
    /// for nineteen years fits.
    /// </summary>
    public const int MaxHistory = 1000;

    /// <summary>The rule a walk past its cap breaks.</summary>
    public const string RotationsRule = Rules.RootRotations;

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
        VerifyWellFormed(root.Signed, source);
        MetadataVerifier.VerifyThreshold(root, root.Signed.Roles[RoleNames.Root], root.Signed.Keys, source);
    }

    /// <summary>Verifies <paramref name="next"/> as the successor of <paramref name="trusted"/>.</summary>
    public static void VerifySuccessor(
        SignedDocument<RootMetadata> trusted,
        SignedDocument<RootMetadata> next,
        string source)
    {
        VerifyWellFormed(next.Signed, source);
        MetadataVerifier.VerifyThreshold(
            next,
            trusted.Signed.Roles[RoleNames.Root],
            trusted.Signed.Keys,
            source + " (by the previous root's keys)");
        MetadataVerifier.VerifyThreshold(
            next,
            next.Signed.Roles[RoleNames.Root],
            next.Signed.Keys,
            source + " (by its own keys)");
        if (next.Signed.Version != trusted.Signed.Version + 1)
        {
            throw new VerificationException(
                $"{source}: root version {next.Signed.Version} does not follow {trusted.Signed.Version}");
        }
    }

    /// <summary>
    /// The shape every root must have, whoever reads or writes it (an anchor, a successor, a
    /// proposal <c>root publish</c> is given): the four top-level roles, <c>consistent_snapshot</c>
    /// true, and each public key listed once. One key under two key ids (its PEM written two ways)
    /// would make a threshold look higher than the number of keys that must sign; the TUF
    /// conformance suite refuses such a root, and so does this.
    /// </summary>
    public static void VerifyWellFormed(RootMetadata root, string source)
    {
        foreach (var role in RoleNames.TopLevel)
        {
            if (!root.Roles.ContainsKey(role))
            {
                throw new VerificationException(Rules.RootInvalid, $"{source}: root does not define the {role} role");
            }
        }

        if (!root.ConsistentSnapshot)
        {
            throw new VerificationException(
                Rules.RootInvalid,
                $"{source}: consistent_snapshot must be true for this registry layout");
        }

        var idOfKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, key) in root.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (SigningKey.DecodedPublicKeyOrNull(key) is not { } decoded)
            {
                continue; // never verifies a signature, so it cannot count twice either
            }

            var identity = Convert.ToHexString(decoded);
            if (!idOfKey.TryAdd(identity, id))
            {
                throw new VerificationException(
                    Rules.RootDuplicateKey,
                    $"{source}: root lists one public key under two key ids ({SigningKey.ShortId(idOfKey[identity])} "
                    + $"and {SigningKey.ShortId(id)}); " +
                    "a key counts once toward a threshold, so list each key once");
            }
        }
    }

    /// <summary>Walks <c>1.root.json</c>, <c>2.root.json</c>, ... in a store and returns the newest verified
    /// root.</summary>
    /// <remarks>
    /// At most <paramref name="maxRotations"/> rotations past the start; by default
    /// <see cref="MaxRotations"/> past an anchor, <see cref="MaxHistory"/> from <c>1.root.json</c>.
    /// </remarks>
    public static async Task<SignedDocument<RootMetadata>> LoadLatestAsync(
        IObjectReader store,
        CancellationToken cancellationToken,
        SignedDocument<RootMetadata>? anchor = null,
        Action<string, byte[]>? onVerified = null,
        int? maxRotations = null)
    {
        var start = anchor ?? await LoadFirstAsync(store, cancellationToken).ConfigureAwait(false);
        return await FollowAsync(
            store,
            start,
            maxRotations ?? (anchor is null ? MaxHistory : MaxRotations),
            (key, bytes, _) => onVerified?.Invoke(key, bytes),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every root of a store from <c>1.root.json</c> on, each verified as the successor of the one before;
    /// oldest first.</summary>
    public static async Task<IReadOnlyList<SignedDocument<RootMetadata>>> LoadChainAsync(
        IObjectReader store,
        CancellationToken cancellationToken)
    {
        var chain = new List<SignedDocument<RootMetadata>> {
            await LoadFirstAsync(store, cancellationToken).ConfigureAwait(false) };
        await FollowAsync(store, chain[0], MaxHistory, (_, _, root) => chain.Add(root), cancellationToken)
            .ConfigureAwait(false);
        return chain;
    }

    private static async Task<SignedDocument<RootMetadata>> LoadFirstAsync(
        IObjectReader store,
        CancellationToken cancellationToken)
    {
        var first = await store.GetCappedOrNullAsync(RegistryLayout.RootKey(1), MaxRootBytes, cancellationToken)
            .ConfigureAwait(false)
            ?? throw new VerificationException($"{store.Location}: {RegistryLayout.RootKey(1)} is missing");
        return ParseAnchor(first.Content, RegistryLayout.RootKey(1));
    }

    /// <summary>
    /// Follows <c>N+1.root.json</c> from <paramref name="start"/> while the next one exists, for at
    /// most <paramref name="cap"/> rotations; reports each verified root; returns the newest.
    /// </summary>
    private static async Task<SignedDocument<RootMetadata>> FollowAsync(
        IObjectReader store,
        SignedDocument<RootMetadata> start,
        int cap,
        Action<string, byte[], SignedDocument<RootMetadata>> onVerified,
        CancellationToken cancellationToken)
    {
        var trusted = start;
        while (true)
        {
            var key = RegistryLayout.RootKey(trusted.Signed.Version + 1);
            var next = await store.GetCappedOrNullAsync(key, MaxRootBytes, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return trusted;
            }

            if (trusted.Signed.Version - start.Signed.Version >= cap)
            {
                throw new VerificationException(
                    RotationsRule,
                    $"{store.Location}: {key} exists, more than {cap} root rotations past root version "
                    + $"{start.Signed.Version}, the most one walk follows; " +
                    "refusing to walk further (a server that keeps serving new roots; if the registry really rotated "
                    + "that often, trust a newer root: 'registry source add' with --root)");
            }

            var candidate = Parse(next.Content, key);
            VerifySuccessor(trusted, candidate, key);
            onVerified(key, next.Content, candidate);
            trusted = candidate;
        }
    }
}
