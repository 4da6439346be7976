namespace Registry.Log;

/// <summary>The signed-note verification rule: unknown keys are ignored, a known key's bad signature rejects the
/// note.</summary>
public static class NoteVerification
{
    /// <summary>The verifiers among <paramref name="known"/> whose signatures on <paramref name="note"/> verify (each
    /// once).</summary>
    public static List<NoteVerifier> VerifiedBy(this SignedNote note, IEnumerable<NoteVerifier> known)
    {
        var verified = new List<NoteVerifier>();
        foreach (var verifier in known)
        {
            foreach (var signature in note.Signatures.Where(s => s.Name == verifier.Name && s.KeyId == verifier.KeyId))
            {
                if (!verifier.Verifies(note.Text, signature))
                {
                    throw new LogException($"the signature of '{verifier.Name}' on the note does not verify");
                }

                if (!verified.Contains(verifier))
                {
                    verified.Add(verifier);
                }
            }
        }

        return verified;
    }

    /// <summary>Parses a checkpoint note and requires a valid signature of <paramref name="log"/> and an origin equal
    /// to its name.</summary>
    public static (SignedNote Note, Checkpoint Checkpoint) OpenCheckpoint(ReadOnlySpan<byte> bytes, NoteVerifier log)
    {
        var note = SignedNote.Parse(bytes);
        if (note.VerifiedBy([log]).Count == 0)
        {
            throw new LogException($"the checkpoint carries no signature of the log key '{log.Name}'");
        }

        var checkpoint = Checkpoint.Parse(note.Text);
        if (checkpoint.Origin != log.Name)
        {
            throw new LogException($"the checkpoint's origin '{checkpoint.Origin}' is not the log '{log.Name}'");
        }

        return (note, checkpoint);
    }
}
