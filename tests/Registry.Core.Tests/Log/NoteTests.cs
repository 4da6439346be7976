using Registry.Log;

namespace Registry.Core.Tests.Log;

/// <summary>C2SP signed notes, checkpoints and cosignatures.</summary>
public sealed class NoteTests
{
    [Fact]
    public void The_signed_note_specification_example_verifies()
    {
        var verifier = NoteVerifier.Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        var note = SignedNote.Parse(System.Text.Encoding.UTF8.GetBytes(
            "This is an example message.\n\n\u2014 example.com/foo "
            + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"));
        Assert.Equal([verifier], note.VerifiedBy([verifier]));
        var changed = note with { Text = "This is an example message!\n" };
        Assert.Throws<LogException>(() => changed.VerifiedBy([verifier]));
    }

    [Fact]
    public void A_checkpoint_signed_by_the_log_opens_and_round_trips()
    {
        var log = NoteSigner.Generate("registry.example/log", NoteKeyType.Ed25519);
        var checkpoint = new Checkpoint("registry.example/log", 42, Merkle.LeafHash([1]));
        var note = new SignedNote(checkpoint.Text, [log.Sign(checkpoint.Text, DateTimeOffset.UnixEpoch)]);
        var (_, opened) = NoteVerification.OpenCheckpoint(note.ToBytes(), NoteVerifier.Parse(log.Verifier.Encoded));
        Assert.Equal(42, opened.Size);
        Assert.Equal(checkpoint.Root, opened.Root);
        Assert.Equal(log.Verifier.Encoded, NoteSigner.Parse(log.Encoded).Verifier.Encoded);

        var other = NoteSigner.Generate("registry.example/log", NoteKeyType.Ed25519);
        Assert.Throws<LogException>(() => NoteVerification.OpenCheckpoint(note.ToBytes(), other.Verifier));
    }

    [Fact]
    public void A_cosignature_verifies_with_its_time_and_only_on_the_same_checkpoint()
    {
        var witness = NoteSigner.Generate("witness.example/w1", NoteKeyType.Cosignature);
        var checkpoint = new Checkpoint("registry.example/log", 7, Merkle.LeafHash([7]));
        var time = DateTimeOffset.FromUnixTimeSeconds(1_679_315_147);
        var cosignature = witness.Sign(checkpoint.Text, time);
        Assert.True(witness.Verifier.Verifies(checkpoint.Text, cosignature));
        Assert.Equal(1_679_315_147UL, NoteVerifier.CosignatureTime(cosignature));
        Assert.False(witness.Verifier.Verifies((checkpoint with { Size = 8 }).Text, cosignature));
        Assert.Equal(1 + 32, Convert.FromBase64String(witness.Verifier.Encoded.Split('+', 3)[2]).Length);
        Assert.Equal(0x04, Convert.FromBase64String(witness.Verifier.Encoded.Split('+', 3)[2])[0]);
    }

    [Theory]
    [InlineData("origin\n42\n")]
    [InlineData("origin\n042\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    [InlineData("origin\n42\nAAAA\n")]
    [InlineData("origin\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void A_malformed_checkpoint_is_refused(string text)
        => Assert.Throws<LogException>(() => Checkpoint.Parse(text));
}
