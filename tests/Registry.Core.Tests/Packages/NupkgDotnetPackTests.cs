using System.Text;
using NuGet.Versioning;
using Registry.Core.Packages;

namespace Registry.Core.Tests.Packages;

/// <summary>
/// A package as the real tool writes it: <c>dotnet pack</c> (SDK 10) of a class library with
/// Version 1.2.0, Authors "Ada, Grace", PackageLicenseExpression MIT, RepositoryUrl and
/// PackageProjectUrl. Its .nuspec starts with a byte order mark and uses the 2012/06 namespace.
/// </summary>
public sealed class NupkgDotnetPackTests : IDisposable
{
    private const string FileName = "Contoso.Real.1.2.0.nupkg";

    private static readonly byte[] Package = Convert.FromBase64String(string.Concat("""
        UEsDBBQAAAAIAO8KeF34iichBAEAANsBAAALAAAAX3JlbHMvLnJlbHOUkdFqwjAUhu99ipB7c9IW105aReeE3YovENLTGtbkhJwo7u0Hw4EyBtsDfB//x9+u
        r34SF0zsKHSyUFoKDJZ6F8ZOnvMwb+R6NWsPOJnsKPDJRRZXPwXu5CnnuARge0JvWFHEcPXTQMmbzIrSCNHYdzMilFo/Qbp3yNVMiAetOH5E/CH1ziZiGrKy
        5G8+F0YodaFB1+BNcANyluJo0oi5k/BCIROTOqCZVDhzRCvFW9/JQ13psnrd7etysymKXS0F/HHGv9rAYza9yQYsJZzHRBFTdsh3I79pxnRxFn9nIJxHzCqy
        7228dWyrZtEUdd1U28Xuea+/Olp4OGn1CQAA//8DAFBLAwQUAAAACADvCnhdxyrsb1IBAABcAgAAEwAAAENvbnRvc28uUmVhbC5udXNwZWNcks1OwzAMgO97
        iihnSNodEJrSTggE4oCEEDxAlHpZWPMjx4Xu2TjwSLwC6tqysWPs74tjOz9f32rd+5Z9AGYXQ8VLUXAGwcTGBVvxjjaX13xdL1TSZqctsN63IVd8S5RWUmaz
        Ba+z8M5gzHFDwkQvR9YFK5dFuZTFlQxdTmBEnxteLxhTHkg3mvRwYEy5pr6NgWKO4gV0q6Rrpsz0sLoUS1EoOR/HpO5oGzHXN42+YA+oDSg5x0aidQZCBkb7
        BBWHPiHk4QJePz2+Kjml/8Nv2NZDe3klZyCL0FkgEdHKU3FARzdhfAdDpy702qcWDhIeujqBRquBbNAlGlp6ngZ8d4wpeQqMCkKK2VHE/dSUdcRZh+24k6Gw
        dSTOi4sDJv/qJggNBONgmhRjymLsEiONFugetYfPiLuKB6CyGH7FLMtzW8njOtW0fKh/AQAA//8DAFBLAwQUAAAACADvCnhd9d6oa+oFAAAAEAAAHAAAAGxp
        Yi9uZXQxMC4wL0NvbnRvc28uUmVhbC5kbGztll1sHNUVx393/cHGjk0saJQoLR1wHEKbzq7jNCLuR/yxiePUX+xuXFqqJrO71+uB2ZnpzN2QfaFp1I+HSrQS
        8ASqeKCCpwpVlYorEKr6gITESwWq1A+JB/paClIlWqqmundmvbt2AIFUIVUce8/ce+65//M/596Ze5e/+VP6gH7g+nV4jkRm+GC5Cox+9jej/GrPK7c/J5Ze
        ub286cZWGAX1yGlYVcf3A2VVpBU1fcv1rcJqyWoENWmPjAwdTjHWzsCS6OOJP7T+0sZ9nTusYZGHLDCY2H52BLC2ie0z7UzCW0t/N6lM0uzj0g+0q/7vPLcf
        RpaOwGqa8IwuxE65BHs17ASU+RBiJfTbkrXgXFffVvKKAp7S+elcsh3eXRCX7CiOqqTcZtJEh3r9NHU7kl5QTbhqzgZrdJff3E6aV3VdSbhlGOBeC44OgOCj
        yW2ZoyMw9Lm50vk5kaJoTpdP2Hl7Kj81eUpbBvCA7wsYfwj+LiCbgfGSily/HmuPd/qSVMcvlPh3X7Jm4wsXFgsarx8+refOeUEljZsBsXAr7NGdf4kp9ic5
        jKal0O2RlItuJ8x+IpLnIO/wezHIeaH1NC+Km3lbaLtkUwwyKZ4Wg/wWrR8y+nGjDxj7imlbRr9ucETmSQOc7ABdB8E+BNfEKdNe0yvODw9saV/2sCUEY+je
        QbbEEHexJfYxafQpo2eNXjT6HqO/YbTDlvgUrkH4jkG4kyr7hM0wh7G5hS9gc4glbMa5gM3neQybKX6OzZf4JTbzvIjN13gZm5LR9/Fn+q9q5t1b8pro3XqH
        GOt05j0njif58nJQa3ryq5RasZINu9j0lduQzMaxbFS81rJUTs1RzqxSkVtpKklBVpr1ulPxZMfW9i67qttcdqK6VGcjpyEfDKIHdvufdT25LqPYDfzdg4v+
        RhA1HOUGvuO9p9d84G+49WZk/DrDRblRcjakahWbnow79vmgEbqecS5Kz7liWvFu2LUoqDWr6kbxGqHjt7oiJRUzduVWXM9VXaO9ZbXTNFy/znzgqyAO7KJ0
        vJ6OXfO8dN72dLnhyaqmil1VQdS2F1yn7gexcqvxzkhJojIqyeiyW5Vxum6uX18OajJmtXK/rOovGrz2u3Pv/uOFvy4+svqnP37mb49m6LeEyPZZiAFLiLEx
        3R0dsDJidDT77OmL3x17bWg6K9KX5Tb9fpQz+78eOeFK4J+5UpWhJlrejIIHY5Ftb8nTgoP2ypnyfBDJ2TA8llbiK5cn83ZeUB69dXufFNw49JzWitOQe/QU
        S7vcLBiarTnHrIXIqUrYK7ipKD3pxGln0j5u5+08DAkGTAfGBHt76syUYKQowyB2VRC1LkSetalUGE/ncnVX2fKK0wg9aQdRPRfppai7CrKC4e5vpv/P57+H
        WF7Tid0DvDoBr97UGdefkluAO4GJIzDRfbDsOM+0FEuF0hNv7X/+pTsOLfz42sx9d3/7zYMaI6caYc5vhg8kZHKeW8kFlftzado5XypdmVzP5glrFUrnZo9/
        8SQp5o+GU0zN+1u/rk8fv+uZxV+8e/UplZ4lWh5un9c3kPaZk8jF+SAqeN6y4/o04moQSWl2rJbrE1i70vtE/meiTyk4kNyieux6/+RvYG/fHe6dgTe6Dos3
        MieAdUpcZJ0zFCmxyCorXGSRFc4mty5e6H/zP8k5k2C1n6dTnP7d1yL0HUCwjkPEWVw8JIv4bBCY8cNmVpkIB58YDweFS4CfIjzbX9AXBkooIlx86jdAsoxP
        fvvvBBVdA04yjGCegAahidFiBYcG0qDPUsPhGBYLhkM1tc8xgtiOU0ASUzXxwx5+GtlHERATYFNE4pgbk16DbBfGOpKIuGvuJDbHscmbn445hjA5KePrG6QO
        2/eKZVPDS2MeNauyhKRuxvSckJZhXmcTlb7q502s1dSuq6q921z9DxVz2tRqjYiAGk2qqJ4av3+NBnfN3VmpTp3gblPTWWJiJA0qeLSw3mdOMu//QqzkTvzk
        yY+byCfCxyD/BVBLAwQUAAAACADvCnhdQd+2UdQAAADLAQAAEwAAAFtDb250ZW50X1R5cGVzXS54bWyc0UFOwzAQBdB9T2F5ixIHFgihJF0UbsAFLGeSWNgz
        I8+kcm9ftWWFREHs//9v8ft9zckcoUgkHOxj21kDGGiKuAx207l5sftx13+cGMTUnFAGu6ryq3MSVsheWmLAmtNMJXuVlsri2IdPv4B76rpnFwgVUBu9bNhx
        Z0z/BrPfkpr3qoA3ukASaw637IUbrGdOMXiNhO6I0zeo+ULaAumakTWyPNScrHE/KSx5Cvw/J1CBhgsxFI3wmzSldIehoKB32rgJQ/jTQO+u54xnAAAA//8D
        AFBLAwQUAAAACADvCnhdIKrogWsBAABiAgAANgAAAHBhY2thZ2Uvc2VydmljZXMvbWV0YWRhdGEvY29yZS1wcm9wZXJ0aWVzL251Z2V0LnBzbWRjcGySUU/C
        MBSF3/kVzZ6h3Zgg4lajaHxQDFFifC3tBRu6dmnvHPx7szkHMb6193zn9N622c2hMOQLfNDO5lFC44iAlU5pu8ujCrejWXTDB5l0HlbeleBRQyCHwtgwVzKP
        PhHLOWNl5Q11fseUZGCgAIuBJTRhUc8i+CL8a2iVnjwE3VN1XdM6bblxHCfsY/n8Jj+hECNtAworoXP1jtDKgboS7KEwW+cLgaFNKIXcix00SVNWAAolULBm
        slHZjxbxASGZknPpQaDz/FaJIXn0QkLGzsodpSBIr0vUzvLVTz65P9WyxnLOdDatwKLeavB84Sy64OgrCNPiZ1pDd2/DEzqmccZ+t420h2PtvAo8Y/2yqRsR
        cOlUk6HujvylegSkP91puxuS9+65L+kVjWk8JIvKYOUht1ChF2ZIVtXGaPkEx7Xbg83TZLNNZ5OpUOn0AtLJNX15WJNZ08+fswZZe6Gnr8K/AQAA//8DAFBL
        AQIUAxQAAAAIAO8KeF34iichBAEAANsBAAALAAAAAAAAAAAAAACkgQAAAABfcmVscy8ucmVsc1BLAQIUAxQAAAAIAO8KeF3HKuxvUgEAAFwCAAATAAAAAAAA
        AAAAAACkgS0BAABDb250b3NvLlJlYWwubnVzcGVjUEsBAhQDFAAAAAgA7wp4XfXeqGvqBQAAABAAABwAAAAAAAAAAAAAAKSBsAIAAGxpYi9uZXQxMC4wL0Nv
        bnRvc28uUmVhbC5kbGxQSwECFAMUAAAACADvCnhdQd+2UdQAAADLAQAAEwAAAAAAAAAAAAAApIHUCAAAW0NvbnRlbnRfVHlwZXNdLnhtbFBLAQIUAxQAAAAI
        AO8KeF0gquiBawEAAGICAAA2AAAAAAAAAAAAAACkgdkJAABwYWNrYWdlL3NlcnZpY2VzL21ldGFkYXRhL2NvcmUtcHJvcGVydGllcy9udWdldC5wc21kY3BQ
        SwUGAAAAAAUABQBpAQAAmAsAAAAA
        """.Split('\n', StringSplitOptions.TrimEntries)));

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("registry-dotnet-pack-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Read_accepts_what_dotnet_pack_writes()
    {
        var manifest = new NupkgPackageFormat().Read(Package, FileName, PackageLimits.Default);

        Assert.Equal("contoso.real", manifest.Name);
        Assert.Equal(NuGetVersion.Parse("1.2.0"), manifest.Version);
        Assert.Equal(["Ada", "Grace"], manifest.Authors);
        Assert.Equal("MIT", manifest.License);
        Assert.Equal("https://example.org/real", manifest.Homepage);
        Assert.Equal("https://git.example.org/real.git", manifest.Repository);
        Assert.Equal("Package Description", manifest.Description);
        Assert.Empty(manifest.Dependencies);
        Assert.Equal("Contoso.Real", manifest.NuGet!.Id);
        Assert.Equal(
            [new NuGetDependencyGroup("net10.0", [])],
            manifest.NuGet.DependencyGroups,
            (a, b) => a.TargetFramework == b.TargetFramework && a.Dependencies.Count == b.Dependencies.Count);
        Assert.StartsWith("\uFEFF<?xml", Encoding.UTF8.GetString(manifest.NuGet.Nuspec), StringComparison.Ordinal);
    }

    [Fact]
    public void What_dotnet_pack_writes_installs_byte_for_byte()
    {
        PackageExtractor.Extract(
            Package,
            "packages/contoso.real/1.2.0/contoso.real-1.2.0.nupkg",
            _root.FullName,
            "contoso.real");
        var tree = PackageTree.OfFolder(Path.Combine(_root.FullName, "contoso.real"));
        Assert.Equal(PackageTree.OfZip(Package), tree);
        Assert.Equal(
            [
                "Contoso.Real.nuspec",
                "[Content_Types].xml",
                "_rels/.rels",
                "lib/net10.0/Contoso.Real.dll",
                "package/services/metadata/core-properties/nuget.psmdcp",
            ],
            tree.Where(e => e.Value != "dir").Select(e => e.Key));
    }
}
