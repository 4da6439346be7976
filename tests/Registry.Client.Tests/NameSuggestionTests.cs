using Registry.Client.Resolution;

namespace Registry.Client.Tests;

/// <summary>A mistyped dependency gets "did you mean" from the names the client already holds, in their published
/// spelling.</summary>
public sealed class NameSuggestionTests : ClientTestBase
{
    [Fact]
    public async Task A_typo_in_a_dependency_is_answered_with_the_close_name_from_the_bins_already_verified()
    {
        await InstallAsync(); // verifies the bins of alpha and beta
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"alpah\":\"1.0.0\"}}",
            Ct);
        var lockBefore = await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct);

        var error = await Assert.ThrowsAsync<ResolutionException>(() => InstallAsync());

        Assert.Equal("'alpah' is not in the registry (required by the project); did you mean 'alpha'?", error.Message);
        Assert.Equal(lockBefore, await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct));
    }

    [Fact]
    public async Task A_suggestion_is_named_in_its_published_spelling()
    {
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("str_util", "1.0.0"))).ExitCode);
        using var client = Client();
        await client.UpdateAsync(offline: false, Ct);
        Assert.NotNull(await client.GetIndexAsync("str-util", Ct));

        Assert.Equal(["str_util"], await client.SuggestNamesAsync("str-utl", Ct));
        Assert.Empty(await client.SuggestNamesAsync("zzzzzz", Ct));
    }

    [Fact]
    public async Task Suggestions_never_download_bins_the_client_has_not_verified()
    {
        using var client = Client();
        await client.UpdateAsync(offline: false, Ct);
        var before = _server.Count();

        var suggestions = await client.SuggestNamesAsync("alpah", Ct);

        Assert.Empty(suggestions);
        Assert.Equal(before, _server.Count());
    }

    [Theory]
    [InlineData("alpah", "alpha")]
    [InlineData("str-utl", "str_util")]
    [InlineData("left_pad", "left.pads")]
    public void Close_names_are_found_by_edit_distance_between_normalised_names(string typo, string published) =>
        Assert.Equal([published], NameSuggestions.Closest(typo, [published, "unrelated", "zeta"]));

    [Fact]
    public void Names_that_differ_in_more_than_a_third_of_their_letters_are_not_suggested() =>
        Assert.Empty(NameSuggestions.Closest("abc", ["xyz", "abcdef"]));
}
