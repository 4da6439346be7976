using System.Net;
using System.Text;
using Registry.Testing.Cli;
using Registry.Core;
using Registry.Log;
using Registry.Serve;

namespace Registry.Client.Tests;

/// <summary>
/// Witnesses over real HTTP: three <c>registry witness serve</c> servers cosign each commit's checkpoint,
/// the cosignatures travel in the timestamp and the stored checkpoint, a client's quorum counts them, and a
/// witness answers a fork, a stale old size, an unknown log and a bad signature as C2SP tlog-witness says.
/// </summary>
public sealed class WitnessTests : IAsyncLifetime
{
    private const string Origin = "registry.test/log";
    private readonly TestRegistry _registry = new();
    private readonly List<(WitnessServer Server, NoteSigner Key, string State)> _witnesses = [];
    private readonly List<string> _answers = [];
    private MisbehavingServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryHome Home => new(Path.Combine(_registry.Root, "home"));

    private NoteVerifier LogKey => NoteVerifier.Parse(File.ReadAllText(Path.Combine(_registry.Keys, "log.pub")).Trim());

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync("--log", Origin);
        for (var i = 1; i <= 3; i++)
        {
            var key = NoteSigner.Generate($"witness.test/w{i}", NoteKeyType.Cosignature);
            var state = Path.Combine(_registry.Root, $"witness-{i}");
            var name = key.Name;
            var server = await WitnessServer.StartAsync(
                new Witness(key, [LogKey], state, TimeProvider.System),
                0,
                onAnswer: line => { lock (_answers) { _answers.Add(name + " " + line); } },
                cancellationToken: Ct);
            _witnesses.Add((server, key, state));
        }

        var settings = await RegistryCli.RunAsync(["settings", "--store", _registry.Store, "--witness", .. _witnesses
            .Select(w => $"{w.Server.BaseUri}={w.Key.Verifier.Encoded}")]);
        Assert.True(settings.ExitCode == 0, settings.ToString());
        _server = await MisbehavingServer.StartAsync(_registry.Store);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (server, _, _) in _witnesses)
        {
            await server.DisposeAsync();
        }

        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<CliResult> PublishAsync(string name, string version, string? store = null) =>
        await RegistryCli.RunAsync(
        [
            "publish", "--store", store ?? _registry.Store, "--keys", _registry.Keys,
            _registry.Package(name, version),
        ]);

    private async Task<UpdateResult> UpdateAsync(string source, int quorum)
    {
        Home.AddSource(new SourceConfig {
            Name = source,
            Url = _server.Url,
            Witnesses = [.. _witnesses.Select(w => w.Key.Verifier.Encoded)],
            WitnessQuorum = quorum }, File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));
        using var client = new RegistryClient(
            Home,
            Home.Source(source),
            TimeProvider.System,
            new HttpPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        return await client.UpdateAsync(offline: false, Ct);
    }

    private SignedNote StoredCheckpoint()
        => SignedNote.Parse(File.ReadAllBytes(Path.Combine(_registry.Store, "log", "checkpoint")));

    [Fact]
    public async Task Each_commit_is_cosigned_by_every_witness_and_a_client_counts_them_against_its_quorum()
    {
        Assert.Equal(0, (await PublishAsync("alpha", "1.0.0")).ExitCode);
        Assert.Equal(3, StoredCheckpoint().VerifiedBy(_witnesses.Select(w => w.Key.Verifier)).Count);
        Assert.Equal(UpdateStatus.Updated, (await UpdateAsync("three", quorum: 3)).Status);
        Assert.Equal(
            2,
            new Witness(_witnesses[0].Key, [LogKey], _witnesses[0].State, TimeProvider.System).Latest(Origin)!.Size);

        // One witness goes away: the publish warns and stands; a quorum of three refuses, two accepts.
        await _witnesses[2].Server.DisposeAsync();
        var published = await PublishAsync("beta", "1.0.0");
        Assert.Equal(0, published.ExitCode);
        Assert.Contains("witness.test/w3", published.Error, StringComparison.Ordinal);
        Assert.Equal(2, StoredCheckpoint().VerifiedBy(_witnesses.Select(w => w.Key.Verifier)).Count);
        var refused = await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync("three", quorum: 3));
        Assert.Contains(
            "2 valid witness cosignature(s); the source requires 3",
            refused.Message,
            StringComparison.Ordinal);
        Assert.Equal(UpdateStatus.Updated, (await UpdateAsync("two", quorum: 2)).Status);
    }

    [Fact]
    public async Task A_witness_refuses_a_fork_a_stale_old_size_an_unknown_log_and_a_bad_signature()
    {
        var fork = Path.Combine(_registry.Root, "fork");
        foreach (var file in Directory.GetFiles(_registry.Store, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(fork, Path.GetRelativePath(_registry.Store, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Delete(Path.Combine(fork, "registry-config.json")); // the fork's publisher asks no witness
        Assert.Equal(0, (await PublishAsync("alpha", "1.0.0")).ExitCode);
        Assert.Equal(0, (await PublishAsync("evil", "1.0.0", fork)).ExitCode);
        var forked = SignedNote.Parse(File.ReadAllBytes(Path.Combine(fork, "log", "checkpoint")));
        var witness = _witnesses[0].Server.BaseUri;
        using var http = new HttpClient();

        async Task<(HttpStatusCode Status, string Body, string? Type)> PostAsync(string body)
        {
            using var response = await http.PostAsync(
                new Uri(witness, "add-checkpoint"),
                new StringContent(body, Encoding.UTF8),
                Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Content.Headers
                .ContentType?
                .MediaType);
        }

        // The same size (2) as the witnessed checkpoint, another root: a fork.
        var fork422 = await PostAsync(Witness.FormatRequest(2, [], forked));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fork422.Status);
        var stale = await PostAsync(Witness.FormatRequest(1, [Merkle.LeafHash([1])], forked));
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("2\n", stale.Body);
        Assert.Equal("text/x.tlog.size", stale.Type);

        var stranger = NoteSigner.Generate("other.test/log", NoteKeyType.Ed25519);
        var text = new Checkpoint("other.test/log", 1, Merkle.LeafHash([1])).Text;
        var note = new SignedNote(text, [stranger.Sign(text, DateTimeOffset.UnixEpoch)]);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(Witness.FormatRequest(0, [], note))).Status);
        var bad = forked with { Text = forked.Text.Replace("\n2\n", "\n3\n", StringComparison.Ordinal) };
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(Witness.FormatRequest(2, [], bad))).Status);
        Assert.Equal(
            2,
            new Witness(_witnesses[0].Key, [LogKey], _witnesses[0].State, TimeProvider.System).Latest(Origin)!.Size);
        Assert.Contains(_answers, a => a.Contains("add-checkpoint: 422", StringComparison.Ordinal));
    }
}
