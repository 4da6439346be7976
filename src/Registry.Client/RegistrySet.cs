using System.Collections.Concurrent;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// The registries one install reads: the project's source (<see cref="Home"/>) and every registry a
/// signed index pins for a dependency (<see cref="RegistryPin"/>). A pinned registry is read through
/// the user's own source for that URL when there is one (with its credentials and mirrors), which must
/// trust the pinned root; otherwise through an implicit source under the registry home
/// (<c>sources/pinned-HASH/</c>, not listed in <c>sources.json</c>) whose trust is bootstrapped from
/// the pin: the registry's <c>1.root.json</c> is accepted only if its sha256 is the signed one.
/// Each registry is opened and brought up to date once, on first use.
/// </summary>
public sealed class RegistrySet(RegistryClient home, bool offline) : IDisposable
{
    /// <summary>The folder-name prefix of implicit sources (reserved: no user's source name starts with it).</summary>
    public const string ImplicitPrefix = "pinned-";

    private readonly ConcurrentDictionary<RegistryPin, Lazy<Task<RegistryClient>>> _clients = new();
    private readonly ConcurrentBag<RegistryClient> _opened = [];

    /// <summary>The project's source as a pin: its URL and the sha256 of the root it trusts as its anchor.</summary>
    public RegistryPin Home { get; } = new()
    {
        Url = home.Source.Url.AbsoluteUri,
        RootSha256 = HashOf(Path.Combine(home.Home.SourcePath(home.Source.Name), "root.json"))
            ?? throw new EnvironmentException($"source '{home.Source.Name}' has no root.json; add the source again"),
    };

    /// <summary>HTTP requests sent by the other registries' clients.</summary>
    public int Requests => _opened.Sum(c => c.Requests);

    /// <summary>Warnings of the other registries' clients (the project's source reports its own).</summary>
    public IEnumerable<string> Warnings => _opened.SelectMany(c => c.Warnings);

    /// <summary>The verified index of <paramref name="name"/> in the registry <paramref name="pin"/> names, and nowhere
    /// else.</summary>
    public async Task<PackageIndex?> GetIndexAsync(string name, RegistryPin pin, CancellationToken cancellationToken)
    {
        var client = await ClientForAsync(pin, cancellationToken).ConfigureAwait(false);
        return await client.GetIndexAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The up-to-date client of the registry <paramref name="pin"/> names (null: the project's
    /// source).</summary>
    public Task<RegistryClient> ClientForAsync(RegistryPin? pin, CancellationToken cancellationToken)
    {
        pin ??= Home;
        if (pin.SameUrl(home.Source.Url))
        {
            Require(home.Source, pin);
            return Task.FromResult(home);
        }

        return _clients.GetOrAdd(pin, p => new Lazy<Task<RegistryClient>>(() => OpenAsync(p, cancellationToken))).Value;
    }

    private async Task<RegistryClient> OpenAsync(RegistryPin pin, CancellationToken cancellationToken)
    {
        var source = home.Home.Sources().FirstOrDefault(s => pin.SameUrl(s.Url));
        if (source is not null)
        {
            Require(source, pin);
        }
        else
        {
            source = await ImplicitSourceAsync(pin, cancellationToken).ConfigureAwait(false);
        }

        var client = home.Open(source);
        _opened.Add(client);
        await client.UpdateAsync(offline, cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>The implicit source of a pin: its folder named by the URL and root hash, its anchor the pinned
    /// root.</summary>
    private async Task<SourceConfig> ImplicitSourceAsync(RegistryPin pin, CancellationToken cancellationToken)
    {
        var id = Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes($"{pin.Url}#{pin.RootSha256}"));
        var name = ImplicitPrefix + id[..16];
        var source = new SourceConfig { Name = name, Url = new Uri(pin.Url) };
        var anchor = Path.Combine(home.Home.SourcePath(name), "root.json");
        if (File.Exists(anchor))
        {
            Require(source, pin);
            return source;
        }

        if (offline)
        {
            throw new RegistryException(
                $"offline: the registry {pin.Url} (pinned by a dependency's signed index) has never been read on this "
                + "machine; "
                + "run the install once online");
        }

        byte[] root;
        try
        {
            root = await RootOfTrust.ObtainAsync(new Uri(pin.Url), null, pin.RootSha256, home.Policy, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (VerificationException e)
        {
            throw Refusal(pin, e.Message);
        }

        RootChain.ParseAnchor(root, $"{pin.Url}{RegistryLayout.RootKey(1)}");
        AtomicFile.Write(anchor, root);
        return source;
    }

    /// <summary>
    /// A source may stand for a pin only if it trusts that root: its anchor, or the version-1 root it
    /// verified, has the pinned sha256. Anything else is another registry at the same URL.
    /// </summary>
    private void Require(SourceConfig source, RegistryPin pin)
    {
        var folder = home.Home.SourcePath(source.Name);
        var anchor = HashOf(Path.Combine(folder, "root.json"));
        if (anchor == pin.RootSha256 || HashOf(Path.Combine(folder, RegistryLayout.RootKey(1))) == pin.RootSha256)
        {
            return;
        }

        throw Refusal(pin, $"source '{source.Name}' at that URL trusts a root whose sha256 is {anchor}");
    }

    private static string? HashOf(string file) => File.Exists(file) ? Hashing.Sha256Hex(File.ReadAllBytes(file)) : null;

    private static VerificationException Refusal(RegistryPin pin, string why) => new(RegistryPin.Rule,
        $"SECURITY: the registry {pin.Url} is not the one a signed index pins (root sha256 {pin.RootSha256}): {why}; "
        + "refusing to resolve from it. Either the registry was replaced or a source is misconfigured; "
        + "do not override this without asking the registry's operator");

    public void Dispose()
    {
        foreach (var client in _opened)
        {
            client.Dispose();
        }
    }
}
