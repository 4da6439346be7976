
namespace Registry.Core.Tuf;

/// <summary>
/// The checks a reader (client or mirror) applies to a new state before trusting it, beyond
/// signatures and hash links: nothing expired, and no version going back from the state it
/// already trusts (rollback and freeze attacks, stale mirrors).
/// </summary>
public static class TrustChecks
{
    public static void VerifyFresh(RegistryState next, DateTimeOffset now, string source)
    {
        MetadataVerifier.VerifyNotExpired(next.Root.Signed, now, $"{source} root");
        MetadataVerifier.VerifyNotExpired(next.Timestamp.Signed, now, $"{source} timestamp.json");
        MetadataVerifier.VerifyNotExpired(next.Snapshot.Signed, now, $"{source} snapshot");
        MetadataVerifier.VerifyNotExpired(next.Targets.Signed, now, $"{source} targets");
    }

    /// <summary>Refuses a state older than the trusted one; a stale copy is reported as such.</summary>
    public static void VerifyNoRollback(RegistryState trusted, RegistryState next, string source)
    {
        if (next.Timestamp.Signed.Version < trusted.Timestamp.Signed.Version)
        {
            throw new StaleMetadataException(
                $"{source}: timestamp version {next.Timestamp.Signed.Version} is older than the trusted "
                + $"{trusted.Timestamp.Signed.Version} (a stale mirror or a rollback)");
        }

        if (next.Timestamp.Signed.Version == trusted.Timestamp.Signed.Version
            && !next.Timestamp.CanonicalSigned.AsSpan().SequenceEqual(trusted.Timestamp.CanonicalSigned))
        {
            throw new VerificationException($"{source}: timestamp version {next.Timestamp.Signed.Version} differs from "
                + "the trusted one with the same version");
        }

        if (next.Snapshot.Signed.Version < trusted.Snapshot.Signed.Version)
        {
            throw new VerificationException($"{source}: snapshot went back from version "
                + $"{trusted.Snapshot.Signed.Version} to {next.Snapshot.Signed.Version} (rollback)");
        }

        foreach (var (name, meta) in trusted.Snapshot.Signed.Meta)
        {
            if (next.Snapshot.Signed.Meta.GetValueOrDefault(name) is not { } newer || newer.Version < meta.Version)
            {
                throw new VerificationException($"{source}: {name} went back from version {meta.Version} (rollback)");
            }
        }
    }
}

/// <summary>A source served metadata older than what is already trusted: skip it, do not trust it.</summary>
public sealed class StaleMetadataException : RegistryException
{
    public StaleMetadataException(string message) : base(message, 1) { }

    public StaleMetadataException() : this("stale metadata") { }

    public StaleMetadataException(string message, Exception inner) : base(message, 1, inner) { }
}
