namespace Registry.Core.Tuf;

/// <summary>
/// The signature rule of TUF: a document is valid for a role when at least <c>threshold</c>
/// distinct keys among the role's key ids produced valid signatures over its canonical bytes.
/// A key id listed or signing twice counts once, and so does one public key listed under two ids,
/// however its PEM is written: keys are compared decoded (<see cref="SigningKey.DecodedPublicKeyOrNull"/>).
/// </summary>
public static class MetadataVerifier
{
    public static void VerifyThreshold<T>(
        SignedDocument<T> document,
        RoleKeys role,
        IReadOnlyDictionary<string, TufKey> keys,
        string source)
        where T : SignedBase
    {
        var valid = CountValidSignatures(document, role, keys);
        if (valid < role.Threshold)
        {
            throw new VerificationException(
                $"{source}: {valid} valid signature(s), the role needs {role.Threshold} (bad signature or untrusted "
                + "key)");
        }
    }

    public static int CountValidSignatures<T>(
        SignedDocument<T> document,
        RoleKeys role,
        IReadOnlyDictionary<string, TufKey> keys)
        where T : SignedBase
    {
        if (role.Threshold < 1)
        {
            throw new VerificationException("a role's threshold must be at least 1");
        }

        var allowed = role.KeyIds.ToHashSet(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var countedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in document.Signatures)
        {
            if (!allowed.Contains(signature.KeyId) || counted.Contains(signature.KeyId)
                || !keys.TryGetValue(signature.KeyId, out var key))
            {
                continue;
            }

            if (SigningKey.Verify(key, document.CanonicalSigned, signature.Sig)
                && countedKeys.Add(Convert.ToHexString(SigningKey.DecodedPublicKeyOrNull(key) ?? [])))
            {
                counted.Add(signature.KeyId);
            }
        }

        return counted.Count;
    }

    /// <summary>The expiry rule: a document is expired at and after its <c>expires</c> instant.</summary>
    public static bool IsExpired(SignedBase signed, DateTimeOffset now) => signed.Expires <= now;

    /// <summary>Refuses a document whose expiry is at or before <paramref name="now"/>.</summary>
    public static void VerifyNotExpired(SignedBase signed, DateTimeOffset now, string source)
    {
        if (IsExpired(signed, now))
        {
            throw new VerificationException($"{source}: {signed.Type} version {signed.Version} expired at "
                + $"{signed.Expires:yyyy-MM-ddTHH:mm:ssZ}; the registry must be refreshed ('registry refresh')");
        }
    }
}
