using Registry.Core.Index;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>Reads verified index documents out of a state.</summary>
internal static class IndexStore
{
    /// <summary>The index at NAME's normalised path (which may belong to another spelling of it), or null.</summary>
    public static async Task<PackageIndex?> ReadIndexOrNullAsync(RegistryState state, string name, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.IndexPath(name);
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : IndexJson.ParseIndex(bytes, path);
    }
}
