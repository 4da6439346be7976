using Registry.Core.Keys;
using Registry.Core.Tuf;

namespace Registry.Core.Tests.Keys;

public sealed class RootProposalTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly SigningKey _root = SigningKey.Generate();
    private readonly SigningKey _online = SigningKey.Generate();
    private readonly SigningKey _new = SigningKey.Generate();

    public void Dispose()
    {
        _root.Dispose();
        _online.Dispose();
        _new.Dispose();
    }

    private RootMetadata Current => new()
    {
        Type = RoleNames.Root,
        Version = 4,
        Expires = Now.AddDays(10),
        Keys = new Dictionary<string, TufKey> { [_root.KeyId] = _root.Public, [_online.KeyId] = _online.Public },
        Roles = RoleNames.TopLevel
            .ToDictionary(r => r, r => new RoleKeys([r == RoleNames.Root ? _root.KeyId : _online.KeyId], 1)),
    };

    private static RootEdits Edits => new() { Expires = TimeSpan.FromDays(365) };

    [Fact]
    public void A_proposal_is_the_next_version_unsigned_with_the_edits_applied_and_unused_keys_dropped()
    {
        var proposal = RootProposal.Propose(Current, Edits with
        {
            AddKeys = [(RoleNames.Timestamp, _new.Public), (RoleNames.Snapshot, _new.Public)],
            RemoveKeys = [(RoleNames.Timestamp, _online.KeyId[..8])],
            Thresholds = new Dictionary<string, int> { [RoleNames.Snapshot] = 2 },
        }, Now);

        Assert.Empty(proposal.Signatures);
        Assert.Equal(5, proposal.Signed.Version);
        Assert.Equal(Now.AddDays(365), proposal.Signed.Expires);
        Assert.Equal([_new.KeyId], proposal.Signed.Roles[RoleNames.Timestamp].KeyIds);
        Assert.Equal([_online.KeyId, _new.KeyId], proposal.Signed.Roles[RoleNames.Snapshot].KeyIds);
        Assert.Equal(2, proposal.Signed.Roles[RoleNames.Snapshot].Threshold);
        Assert.Equal(3, proposal.Signed.Keys.Count);
        Assert.Equal(
            ["snapshot: +" + _new.KeyId[..12] + "; threshold 1 -> 2 of 2", "timestamp: +" + _new.KeyId[..12] + " -"
                + _online.KeyId[..12]
                + "; threshold 1 -> 1 of 1"],
            RootProposal.Describe(Current, proposal.Signed));

        var dropped = RootProposal.Propose(Current, Edits with
        {
            AddKeys = [(RoleNames.Root, _new.Public)],
            RemoveKeys = [(RoleNames.Root, _root.KeyId)],
        }, Now);
        Assert.False(dropped.Signed.Keys.ContainsKey(_root.KeyId));
    }

    [Fact]
    public void Impossible_thresholds_and_empty_roles_are_refused()
    {
        Assert.Contains("would have 1 key(s) and threshold 2", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { Thresholds = new Dictionary<string, int> { [RoleNames.Targets] = 2 } },
                Now)).Message, StringComparison.Ordinal);
        Assert.Contains("would have no keys", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { RemoveKeys = [(RoleNames.Targets, _online.KeyId)] },
                Now)).Message, StringComparison.Ordinal);
        Assert.Throws<EnvironmentException>(() => RootProposal.Propose(
            Current,
            Edits with { Thresholds = new Dictionary<string, int> { [RoleNames.Targets] = 0 } },
            Now));
        Assert.Contains("has no key with that id", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { RemoveKeys = [(RoleNames.Targets, _root.KeyId)] },
                Now)).Message, StringComparison.Ordinal);
        Assert.Contains("is already a targets key", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { AddKeys = [(RoleNames.Targets, _online.Public)] },
                Now)).Message, StringComparison.Ordinal);
        Assert.Contains("not a role of the root", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { AddKeys = [("bins", _new.Public)] },
                Now)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void A_root_lasting_0_days_or_more_than_10_years_is_refused(int days) =>
        Assert.Contains("[rule: expiry-bounds]", Assert.Throws<EnvironmentException>(() =>
            RootProposal.Propose(
                Current,
                Edits with { Expires = TimeSpan.FromDays(days) },
                Now)).Message, StringComparison.Ordinal);

    [Fact]
    public void Signatures_collected_one_at_a_time_complete_both_thresholds()
    {
        var trusted = SignedDocument<RootMetadata>.Create(Current, [_root], TufJsonContext.Default.RootMetadata);
        var proposal = RootProposal.Propose(
            Current,
            Edits with { AddKeys = [(RoleNames.Root, _new.Public)], RemoveKeys = [(RoleNames.Root, _root.KeyId)] },
            Now);
        var file = proposal.FileBytes;

        var first = RootRotation.Sign(RootChain.Parse(file, "next"), _new);
        var count = RootRotation.Count(trusted, first);
        Assert.False(count.Complete);
        Assert.Equal((0, 1, 1, 1), (count.ByTrusted, count.TrustedThreshold, count.ByItself, count.OwnThreshold));
        Assert.Contains(
            $"0 of the 1 signatures the current root (version 4) requires (unsigned: {_root.KeyId[..12]})",
            RootRotation.DescribeMissing(count),
            StringComparison.Ordinal);

        var both = RootRotation.Sign(RootChain.Parse(first.FileBytes, "next"), _root);
        Assert.True(RootRotation.Count(trusted, both).Complete);
        RootChain.VerifySuccessor(trusted, RootChain.Parse(both.FileBytes, "next"), "next");
        Assert.Equal(2, RootRotation.Sign(both, _root).Signatures.Count);
    }
}
