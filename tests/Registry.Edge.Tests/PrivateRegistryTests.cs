using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>
/// A private registry behind a real nginx running the shipped read-token verifier: what the edge
/// answers to each kind of token, and what our client says and sends.
/// </summary>
public sealed class PrivateRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string? Error, string? Challenge)> GetAsync(
        Uri url,
        string? bearer = null,
        string? basicPassword = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (basicPassword is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + basicPassword)));
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode,
            response.Headers.TryGetValues("Registry-Token-Error", out var errors) ? errors.First() : null,
            response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
    }

    [Fact]
    public async Task The_edge_serves_a_valid_token_and_refuses_missing_expired_revoked_tampered_foreign_out_of_scope()
    {
        await using var edge = await PrivateEdge.StartAsync(("acme-core", "1.0.0", "{}"), ("other-lib", "1.0.0", "{}"));
        var (_, valid) = await edge.IssueAsync("ci", "90d");
        var (revokedId, revoked) = await edge.IssueAsync("leaver", "90d");
        var (_, scoped) = await edge.IssueAsync("acme only", "30d", scope: "acme-");
        using var otherKeys = new TestRegistry();
        Directory.CreateDirectory(otherKeys.Keys);
        var (_, foreign) = await edge.IssueAsync("elsewhere", "90d", keys: otherKeys.Keys);
        var revoke = await RegistryCli.RunAsync("token", "revoke", "--keys", edge.Registry.Keys, revokedId);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        await edge.WriteEdgeConfigAsync();
        var timestamp = new Uri(edge.EdgeBase, "metadata/timestamp.json");
        var artifactFile = Directory.GetFiles(Path.Combine(edge.Registry.Store, "targets/packages/other-lib/1.0.0"))[0];
        var artifact = new Uri(edge.EdgeBase, $"targets/packages/other-lib/1.0.0/{Path.GetFileName(artifactFile)}");

        var none = await GetAsync(timestamp);
        Assert.Equal((HttpStatusCode.Unauthorized, "missing"), (none.Status, none.Error));
        Assert.StartsWith("Basic realm=", none.Challenge, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(timestamp, bearer: valid)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(artifact, bearer: valid)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(artifact, basicPassword: valid)).Status);
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "expired"),
            Pick(await GetAsync(timestamp, bearer: edge.ExpiredToken())));
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), Pick(await GetAsync(timestamp, bearer: revoked)));
        Assert.Equal((HttpStatusCode.Unauthorized, "wrong-registry"), Pick(await GetAsync(timestamp, bearer: foreign)));
        // Tampering: widen the scoped token to every package, keep its signature.
        var widened = string.Join('~', scoped.Split('~').Select((part, i) => i == 4 ? "" : part));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid"), Pick(await GetAsync(artifact, bearer: widened)));
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "invalid"),
            Pick(await GetAsync(timestamp, bearer: valid[..^1] + (valid[^1] == '0' ? '1' : '0'))));
        // Scope: metadata is readable, another package's files are not.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(timestamp, bearer: scoped)).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "scope"), Pick(await GetAsync(artifact, bearer: scoped)));
        // The access log records requests, never a token.
        Assert.DoesNotContain(
            valid.Split('~')[^1],
            await File.ReadAllTextAsync(Path.Combine(edge.NginxState, "access.log"), Ct),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_edge_caches_the_root_probe_miss_and_serves_the_site_only_after_the_verifier_grants_it()
    {
        await using var edge = await PrivateEdge.StartAsync(("acme-core", "1.0.0", "{}"));
        var (_, valid) = await edge.IssueAsync("ci", "90d");
        var site = await RegistryCli.RunAsync("settings", "--store", edge.Registry.Store, "--site", "on");
        Assert.True(site.ExitCode == 0, site.ToString());
        var sync = await RegistryCli.RunAsync("sync", "--store", edge.Registry.Store);
        Assert.True(sync.ExitCode == 0, sync.ToString());
        using var http = new HttpClient();

        // The probe for the next root: a miss, then the same miss from the edge's cache, never for a caller without a
        // token.
        var probe = new Uri(edge.EdgeBase, "metadata/2.root.json");
        var first = await SendAsync(http, probe, valid);
        var second = await SendAsync(http, probe, valid);
        var anonymous = await SendAsync(http, probe, bearer: null);
        Assert.Equal((HttpStatusCode.NotFound, "MISS"), first);
        Assert.Equal((HttpStatusCode.NotFound, "HIT"), second);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);

        // The site: a directory URL is its index.html, with the page policy; without a token, a 401.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(edge.EdgeBase, "packages/acme-core/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", valid);
        using var page = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains(
            "script-src 'self'",
            string.Join(",", page.Headers.GetValues("Content-Security-Policy")),
            StringComparison.Ordinal);
        Assert.Contains("acme-core", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(http, new Uri(edge.EdgeBase, "packages/acme-core/"), bearer: null)).Status);
    }

    private static async Task<(HttpStatusCode Status, string? Cache)> SendAsync(
        HttpClient http,
        Uri url,
        string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, response.Headers.TryGetValues("X-Cache", out var cache)
            ? string.Join(",", cache)
            : null);
    }

    [Fact]
    public async Task A_mirror_on_another_origin_gets_its_own_token_and_never_the_sources()
    {
        await using var edge = await PrivateEdge.StartAsync(("acme-core", "1.0.0", "{}"));
        var (_, primaryToken) = await edge.IssueAsync("laptop", "90d");
        var (_, mirrorToken) = await edge.IssueAsync("laptop, mirror", "90d");
        var mirror = await edge.StartSecondEdgeAsync();
        var home = Path.Combine(edge.Registry.Root, "home");
        var env = new Dictionary<string, string> { ["REGISTRY_HOME"] = home };
        var credentials = Path.Combine(home, "credentials.json");
        var fetched = Directory.CreateDirectory(Path.Combine(edge.Registry.Root, "fetched")).FullName;
        var outputs = new List<CliResult>
        {
            await RegistryCli.RunProcessAsync(["source", "add", "private", edge.EdgeBase.ToString(), "--root", edge
                .RootFile, "--mirror", mirror.ToString()], env),
            await RegistryCli.RunProcessAsync(["source", "login", "private"], env, primaryToken + "\n"),
        };
        Assert.All(outputs, o => Assert.True(o.ExitCode == 0, o.ToString()));

        // A URL that is not one of the source's mirrors, or the source's own origin: exit 2, nothing stored.
        var before = await File.ReadAllBytesAsync(credentials, Ct);
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["source", "login", "private", "--mirror", "http://127.0.0.1:9/"],
            env,
            mirrorToken + "\n"));
        Assert.Equal(2, outputs[^1].ExitCode);
        Assert.Contains("is not a mirror of source 'private'", outputs[^1].Error, StringComparison.Ordinal);
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["source", "login", "private", "--mirror", new Uri(edge.EdgeBase, "copy/").ToString()],
            env,
            mirrorToken + "\n"));
        Assert.Equal(2, outputs[^1].ExitCode);
        Assert.Equal(before, await File.ReadAllBytesAsync(credentials, Ct));

        // The source's edge is gone: the client turns to the mirror. The mirror's edge has the same
        // token configuration, so it would accept the source's token: its 401 for a missing token
        // shows the token was not sent there (and names the fix).
        await edge.StopFirstEdgeAsync();
        outputs.Add(
            await RegistryCli.RunProcessAsync(["fetch", "acme-core", "--source", "private", "-o", fetched], env));
        Assert.Equal(2, outputs[^1].ExitCode);
        Assert.Contains("needs a read token", outputs[^1].Error, StringComparison.Ordinal);
        Assert.Contains(
            $"registry source login private --mirror {mirror}",
            outputs[^1].Error,
            StringComparison.Ordinal);

        // With the mirror's own token it installs from the mirror.
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["source", "login", "private", "--mirror", mirror.ToString()],
            env,
            mirrorToken + "\n"));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        outputs.Add(
            await RegistryCli.RunProcessAsync(["fetch", "acme-core", "--source", "private", "-o", fetched], env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        Assert.Single(Directory.GetFiles(fetched, "acme-core*"));

        // Logout of the mirror forgets its token only; source remove forgets both.
        outputs.Add(
            await RegistryCli.RunProcessAsync(["source", "logout", "private", "--mirror", mirror.ToString()], env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        var stored = await File.ReadAllTextAsync(credentials, Ct);
        Assert.DoesNotContain(mirrorToken, stored, StringComparison.Ordinal);
        Assert.Contains(primaryToken, stored, StringComparison.Ordinal);
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["source", "login", "private", "--mirror", mirror.ToString()],
            env,
            mirrorToken + "\n"));
        outputs.Add(await RegistryCli.RunProcessAsync(["source", "remove", "private"], env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        Assert.Equal("{}", (await File.ReadAllTextAsync(credentials, Ct)).Trim());
        Assert.All(
            outputs,
            o => Assert.DoesNotContain(primaryToken.Split('~')[^1], o.Out + o.Error, StringComparison.Ordinal));
        Assert.All(
            outputs,
            o => Assert.DoesNotContain(mirrorToken.Split('~')[^1], o.Out + o.Error, StringComparison.Ordinal));
    }

    private static (HttpStatusCode, string?) Pick((HttpStatusCode Status, string? Error, string? Challenge) answer)
        => (answer.Status, answer.Error);

    [Fact]
    public async Task The_client_needs_a_login_then_installs_and_never_shows_or_caches_the_token()
    {
        await using var edge = await PrivateEdge.StartAsync(("acme-core", "1.0.0", "{}"), ("other-lib", "1.0.0", "{}"));
        var (_, token) = await edge.IssueAsync("laptop", "90d");
        var home = Path.Combine(edge.Registry.Root, "home");
        var env = new Dictionary<string, string> { ["REGISTRY_HOME"] = home };
        var outputs = new List<CliResult>
        {
            await RegistryCli.RunProcessAsync(
                ["source", "add", "private", edge.EdgeBase.ToString(), "--root", edge.RootFile],
                env),
        };
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        var fetchFolder = Directory.CreateDirectory(Path.Combine(edge.Registry.Root, "fetched")).FullName;

        outputs.Add(
            await RegistryCli.RunProcessAsync(["fetch", "acme-core", "--source", "private", "-o", fetchFolder], env));
        Assert.Equal(2, outputs[^1].ExitCode);
        Assert.Contains("source 'private'", outputs[^1].Error, StringComparison.Ordinal);
        Assert.Contains("needs a read token", outputs[^1].Error, StringComparison.Ordinal);
        Assert.Contains("registry source login private", outputs[^1].Error, StringComparison.Ordinal);

        outputs.Add(await RegistryCli.RunProcessAsync(["source", "login", "private"], env, token + "\n"));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        var credentials = Path.Combine(home, "credentials.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        }

        outputs.Add(await RegistryCli.RunProcessAsync(
            ["fetch", "acme-core", "--source", "private", "-o", fetchFolder, "--verbose"],
            env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        Assert.Single(Directory.GetFiles(fetchFolder, "acme-core*"));
        outputs.Add(await RegistryCli.RunProcessAsync(["source", "list", "--json"], env));

        // Nothing but credentials.json holds the token: not sources.json, the trusted metadata or the cache.
        var secretPart = token.Split('~')[^1];
        foreach (var file in Directory.GetFiles(home, "*", SearchOption.AllDirectories).Where(f => f != credentials))
        {
            Assert.DoesNotContain(secretPart, await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
        }

        // An expired token is named as expired; a token from --token-env wins over the stored one.
        outputs.Add(await RegistryCli.RunProcessAsync(
            [
                "source", "add", "private", edge.EdgeBase.ToString(), "--root", edge.RootFile,
                "--token-env", "ACME_TOKEN",
            ],
            env));
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["fetch", "acme-core", "--source", "private", "-o", fetchFolder],
            new Dictionary<string, string>(env) { ["ACME_TOKEN"] = edge.ExpiredToken() }));
        Assert.Equal(2, outputs[^1].ExitCode);
        Assert.Contains("the read token has expired", outputs[^1].Error, StringComparison.Ordinal);
        Assert.Contains("set ACME_TOKEN", outputs[^1].Error, StringComparison.Ordinal);

        // A token scoped to other packages: the edge's 403 is named as "does not grant" (other-lib is
        // not in the cache; the acme-core fetched above would still install from it).
        var (_, scoped) = await edge.IssueAsync("acme only", "30d", scope: "acme-");
        outputs.Add(await RegistryCli.RunProcessAsync(
            ["fetch", "other-lib", "--source", "private", "-o", fetchFolder, "--json"],
            new Dictionary<string, string>(env) { ["ACME_TOKEN"] = scoped }));
        Assert.Equal(1, outputs[^1].ExitCode);
        Assert.Contains("does not grant", outputs[^1].Error, StringComparison.Ordinal);

        outputs.Add(await RegistryCli.RunProcessAsync(["source", "logout", "private"], env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        Assert.DoesNotContain(secretPart, await File.ReadAllTextAsync(credentials, Ct), StringComparison.Ordinal);

        // No output of any of these commands, --verbose and --json included, shows a token.
        foreach (var output in outputs)
        {
            foreach (var secret in new[] { secretPart, scoped.Split('~')[^1], edge.ExpiredToken().Split('~')[^1] })
            {
                Assert.DoesNotContain(secret, output.Out + output.Error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_mirror_copies_a_private_registry_with_token_env_and_without_it_names_the_401()
    {
        await using var edge = await PrivateEdge.StartAsync(("acme-core", "1.0.0", "{}"), ("acme-util", "2.0.0", "{}"));
        var (_, token) = await edge.IssueAsync("mirror job", "1d");
        var destination = Path.Combine(edge.Registry.Root, "mirror");

        var refused = await RegistryCli.RunProcessAsync(
            ["mirror", edge.EdgeBase.ToString(), "--to", destination, "--root", edge.RootFile]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("needs a read token (HTTP 401)", refused.Error, StringComparison.Ordinal);

        var mirrored = await RegistryCli.RunProcessAsync(["mirror", edge.EdgeBase
            .ToString(), "--to", destination, "--root", edge.RootFile, "--token-env", "MIRROR_TOKEN"],
            new Dictionary<string, string> { ["MIRROR_TOKEN"] = token });
        Assert.True(mirrored.ExitCode == 0, mirrored.ToString());
        Assert.DoesNotContain(token.Split('~')[^1], mirrored.Out + mirrored.Error, StringComparison.Ordinal);
        var verify = await RegistryCli.RunAsync("verify", "--store", destination);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
