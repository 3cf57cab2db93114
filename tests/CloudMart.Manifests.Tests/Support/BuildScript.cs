namespace CloudMart.Manifests.Tests.Support;

/// <summary>What build-and-import.sh says about itself, asked the way a test can without docker.</summary>
public static class BuildScript
{
    /// <summary>The images the script builds and imports, from its <c>--list-images</c> mode.</summary>
    public static IReadOnlyList<string> Images => BuiltImages.FromScript(Repo.BuildScript).Images;
}
