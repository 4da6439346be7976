using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Registry.Testing.Cli;
using Registry.Client.Resolution;
using Registry.Core;

namespace Registry.Client.Tests;

/// <summary>
/// Redirects a server answers with, each served by a real server: followed only to http or https,
/// never from https down to http, at most ten hops. Every refusal names the URL, is not retried,
/// and installs nothing.
/// </summary>
public sealed class RedirectAttackTests : ClientTestBase
{
    private const string Timestamp = "metadata/timestamp.json";

    [Fact]
    public async Task A_redirect_to_an_ftp_url_is_refused_and_nothing_connects_to_that_port()
    {
        var ftp = new TcpListener(IPAddress.Loopback, 0);
        ftp.Start();
        try
        {
            var target = $"ftp://127.0.0.1:{((IPEndPoint)ftp.LocalEndpoint).Port}/{Timestamp}";
            _server.Overrides[Timestamp] = MisbehavingServer.Redirect(target);

            var error = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync());

            Assert.Contains($"refused the redirect from {_server.Url}{Timestamp} to {target}: only http and https "
                + "redirects are followed [rule: redirect-scheme]", error.Message, StringComparison.Ordinal);
            Assert.False(ftp.Pending(), "the client connected to the ftp URL's port");
            Assert.Equal(1, _server.Count(k => k == Timestamp));
            AssertNothingInstalled();
        }
        finally
        {
            ftp.Stop();
        }
    }

    [Fact]
    public async Task A_redirect_to_a_file_url_is_refused_naming_the_url_and_the_rule()
    {
        _server.Overrides[Timestamp] = MisbehavingServer.Redirect("file:///etc/passwd");

        var error = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync());

        Assert.Contains(
            $"GET {_server.Url}{Timestamp}: refused the redirect from {_server.Url}{Timestamp} to "
            + "file:///etc/passwd: only http and https redirects are followed [rule: redirect-scheme]",
            error.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain("UriFormatException", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Count(k => k == Timestamp));
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Verify_over_http_reports_a_refused_redirect_with_its_rule_not_an_unexpected_error()
    {
        _server.Overrides[Timestamp] = MisbehavingServer.Redirect("file:///etc/passwd");

        var result = await RegistryCli.RunAsync("verify", "--store", _server.Url.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "to file:///etc/passwd: only http and https redirects are followed [rule: redirect-scheme]",
            result.Out + result.Error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", result.Out + result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, _server.Count(k => k == Timestamp));
    }

    [Fact]
    public async Task A_redirect_from_https_down_to_http_is_refused_and_the_http_server_gets_no_request()
    {
        using var certificate = MisbehavingServer.LoopbackCertificate();
        await using var tls = await MisbehavingServer.StartAsync(_registry.Store, certificate);
        var downgrade = $"{_server.Url}{Timestamp}";
        tls.Overrides[Timestamp] = MisbehavingServer.Redirect(downgrade, 301);
        AddSource("tls", tls.Url);
        using var http = Pinning(certificate);
        using var client = new RegistryClient(Home, Home.Source("tls"), TimeProvider.System, FastPolicy, http: http);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => new ProjectInstaller(client).InstallAsync(Project, false, false, Ct));

        Assert.Contains($"refused the redirect from {tls.Url}{Timestamp} to {downgrade}: https is never redirected "
            + "down to http [rule: redirect-downgrade]", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Equal(1, tls.Count(k => k == Timestamp));
        AssertNothingInstalled("tls");
    }

    [Fact]
    public async Task Redirects_up_from_http_to_https_and_to_a_relative_path_are_followed()
    {
        using var certificate = MisbehavingServer.LoopbackCertificate();
        await using var tls = await MisbehavingServer.StartAsync(_registry.Store, certificate);
        _server.Overrides[Timestamp] = MisbehavingServer.Redirect($"{tls.Url}moved/timestamp.json", 308);
        tls.Overrides["moved/timestamp.json"] = MisbehavingServer.Redirect("/" + Timestamp, 307);
        using var http = Pinning(certificate);
        using var client = new RegistryClient(Home, Home.Source("main"), TimeProvider.System, FastPolicy, http: http);

        var result = await new ProjectInstaller(client).InstallAsync(Project, false, false, Ct);

        Assert.Equal(UpdateStatus.Updated, result.Update.Status);
        Assert.True(File.Exists(Path.Combine(Project, LockFile.FileName)));
        Assert.Equal(1, tls.Count(k => k == Timestamp));
    }

    [Fact]
    public async Task A_redirect_loop_is_refused_after_ten_hops_without_a_retry()
    {
        _server.Overrides[Timestamp] = MisbehavingServer.Redirect("/hop/1");
        for (var hop = 1; hop <= 20; hop++)
        {
            _server.Overrides[$"hop/{hop}"] = MisbehavingServer.Redirect($"/hop/{hop + 1}");
        }

        var error = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync());

        Assert.Contains(
            $"GET {_server.Url}{Timestamp}: refused the redirect from {_server.Url}hop/10 to "
            + $"{_server.Url}hop/11: more than 10 redirects [rule: redirect-limit]",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal([Timestamp, .. Enumerable.Range(1, 10).Select(hop => $"hop/{hop}")], _server.Requests);
        AssertNothingInstalled();
    }

    /// <summary>A client that trusts only <paramref name="certificate"/> and follows no redirect itself (the reader
    /// does).</summary>
    private static HttpClient Pinning(X509Certificate2 certificate) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?
            .GetCertHashString() == certificate.GetCertHashString() },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
