using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Client.Internal;

/// <summary>
/// The client's transparency-log rule (docs/protocol.md, "The transparency log"): when the root names
/// a log, a new state is accepted only if the timestamp's checkpoint is signed by the log key, its entry
/// is this very state and is included in the checkpoint, the source's witness quorum cosigned it, and
/// it extends the checkpoint of the state trusted before (tiles fetched only for that proof). The
/// trusted checkpoint is the one inside the trusted timestamp, so it moves only forward with it.
/// </summary>
internal static class LogCheck
{
    public const string Rule = Rules.Log;

    public static async Task VerifyAsync(
        IObjectReader reader,
        RegistryState? trusted,
        RegistryState next,
        SourceConfig source,
        CancellationToken cancellationToken)
    {
        var rootLog = next.Root.Signed.Log;
        if (rootLog is null)
        {
            if (source.WitnessQuorum > 0)
            {
                throw Refused(reader, $"the source asks for {source.WitnessQuorum} witness cosignature(s) but the "
                    + "registry keeps no transparency log");
            }

            return;
        }

        var stamped = next.Timestamp.Signed.Log ?? throw Refused(
            reader,
            $"the root names the log '{rootLog.Origin}' but the timestamp carries no checkpoint");
        try
        {
            var snapshot = next.Timestamp.Signed.Meta["snapshot.json"];
            var logged = StateProof.Verify(
                stamped.Checkpoint,
                stamped.Entry,
                stamped.Proof,
                NoteVerifier.Parse(rootLog.Key),
                next.Timestamp.Signed.Version,
                snapshot.Version,
                snapshot.Hashes?["sha256"] ?? "");
            if (source.WitnessQuorum > 0)
            {
                var witnesses = (source.Witnesses ?? []).Select(NoteVerifier.Parse).ToList();
                var cosigned = logged.Note.VerifiedBy(witnesses).Count;
                if (cosigned < source.WitnessQuorum)
                {
                    throw Refused(reader, $"the log checkpoint (size {logged.Checkpoint.Size}) has {cosigned} valid "
                        + $"witness cosignature(s); the source requires {source.WitnessQuorum}");
                }
            }

            if (trusted?.Timestamp.Signed.Log is { } before && trusted.Root.Signed.Log?.Origin == rootLog.Origin)
            {
                var old = Checkpoint.Parse(SignedNote.Parse(Convert.FromBase64String(before.Checkpoint)).Text);
                await StateProof.CheckConsistencyAsync(
                    LogFields.Prefix,
                    old,
                    logged.Checkpoint,
                    async (key, ct) => (await reader.GetOrNullAsync(key, ct).ConfigureAwait(false))?.Content,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LogException e)
        {
            throw Refused(reader, e.Message);
        }
    }

    private static VerificationException Refused(IObjectReader reader, string message)
        => new(Rule, $"{reader.Location}: {message}");
}
