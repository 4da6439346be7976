using Registry.Core.Settings;

namespace Registry.Core.Tests.Keys;

public sealed class ExpiryTests
{
    [Theory]
    [InlineData("90m", 90 * 60)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("30d", 30 * 86400)]
    [InlineData("2w", 14 * 86400)]
    [InlineData("1y", 365 * 86400)]
    public void Durations_parse_a_number_and_a_unit(string text, long seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "--x"));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData("3s")]
    public void Bad_durations_are_usage_errors(string text) =>
        Assert.Equal(2, Assert.Throws<EnvironmentException>(() => Durations.Parse(text, "--x")).ExitCode);

    [Fact]
    public void Role_lists_are_parsed_and_unknown_roles_refused()
    {
        var parsed = Durations.ParseRoleList(
            ["root=365d,timestamp=1d", "snapshot=30d"],
            RegistrySettings.ExpiryRoles,
            "--expiry");
        Assert.Equal(TimeSpan.FromDays(1), parsed["timestamp"]);
        Assert.Equal(3, parsed.Count);
        Assert.Contains("ROLE one of root, targets, bins, snapshot, timestamp", Assert.Throws<EnvironmentException>(
            () =>
                Durations.ParseRoleList(
                ["mirror=1d"],
                RegistrySettings.ExpiryRoles,
                "--expiry")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timestamp", 0)]
    [InlineData("root", 0)]
    [InlineData("snapshot", 3651)]
    public void Expiries_out_of_bounds_are_refused(string role, int days)
    {
        var error = Assert.Throws<EnvironmentException>(() => new RegistrySettings().WithExpiry(
            new Dictionary<string, TimeSpan> { [role] = TimeSpan.FromDays(days) }));
        Assert.Contains($"expiry of {role}: {days} days is out of bounds", error.Message, StringComparison.Ordinal);
        Assert.Contains("[rule: expiry-bounds]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expiries_are_whole_days_and_outlast_the_edge_cache()
    {
        var halfDay = new Dictionary<string, TimeSpan> { ["timestamp"] = TimeSpan.FromHours(12) };
        Assert.Contains(
            "whole days",
            Assert.Throws<EnvironmentException>(() => new RegistrySettings().WithExpiry(halfDay)).Message,
            StringComparison.Ordinal);
        Assert.Throws<EnvironmentException>(
            () => (new RegistrySettings() with { TimestampExpiryDays = 1, TimestampMaxAgeSeconds = 86400 }).Validate());
        var settings = new RegistrySettings().WithExpiry(new Dictionary<string, TimeSpan> {
            ["timestamp"] = TimeSpan.FromDays(1),
            ["root"] = TimeSpan.FromDays(3650) });
        Assert.Equal(TimeSpan.FromDays(1), settings.ExpiryOf("timestamp"));
        Assert.Equal(3650, settings.RootExpiryDays);
    }

    [Fact]
    public void The_refresh_window_is_the_margin_but_at_most_half_the_expiry()
    {
        var settings = new RegistrySettings { SnapshotExpiryDays = 20, RefreshMarginDays = 30 };
        var windows = new ExpiryWindows(settings);
        Assert.Equal(TimeSpan.FromDays(10), windows.RefreshOf("snapshot"));
        Assert.Equal(TimeSpan.FromDays(30), windows.RefreshOf("targets"));
        Assert.Equal(TimeSpan.FromDays(1), windows.WarningOf("timestamp"));
        Assert.Equal(TimeSpan.FromDays(10), windows.WarningOf("snapshot"));
        Assert.Equal(TimeSpan.FromDays(30), windows.WarningOf("root"));
    }
}
