using Registry.Core;
using Registry.Log;

namespace Registry.Cli.Internal;

/// <summary>Checks <c>source add --witness KEY... --witness-quorum K</c>: cosigner keys, and 1 ≤ K ≤ the number of
/// keys.</summary>
internal static class SourceWitnesses
{
    public static (IReadOnlyList<string>? Keys, int Quorum) Check(string[] keys, int? quorum)
    {
        if (keys.Length == 0)
        {
            return quorum is null or 0
                ? (null, 0)
                : throw new EnvironmentException("--witness-quorum needs --witness keys to count");
        }

        var parsed = new List<string>();
        foreach (var key in keys)
        {
            try
            {
                var verifier = NoteVerifier.Parse(key);
                parsed.Add(verifier.Type == NoteKeyType.Cosignature ? verifier.Encoded : throw new EnvironmentException(
                    $"--witness {verifier.Name}: not a witness cosigner key (type 04)"));
            }
            catch (LogException e)
            {
                throw new EnvironmentException("--witness: " + e.Message);
            }
        }

        var k = quorum ?? parsed.Count;
        return k >= 1 && k <= parsed.Count ? (parsed, k) : throw new EnvironmentException(
            $"--witness-quorum {k}: must be between 1 and the {parsed.Count} witness key(s) given");
    }
}
