using Registry.Core.Index;
using Registry.Core.Packages;

namespace Registry.Core.Publishing.Internal;

/// <summary>Reads verified index documents and name markers out of a state.</summary>
internal static class IndexStore
{
    public static async Task<PackageIndex?> ReadIndexOrNullAsync(RegistryState state, string name, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.IndexPath(name);
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : IndexJson.ParseIndex(bytes, path);
    }

    /// <summary>The spelling that owns a name's normalised form, or null when the name is free.</summary>
    public static async Task<string?> OwnerOfAsync(RegistryState state, string name, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.NamePath(PackageName.Normalize(name));
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : IndexJson.ParseMarker(bytes, path).Name;
    }
}
