using Xunit;

namespace Ktriage.TestSupport;

/// <summary>Locates the project's ../shared data (real corpora) and the repository root.</summary>
public static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Absolute path of ../shared, or null when this checkout has none beside it.</summary>
    public static string? Root { get; } = FindShared();

    public static string Path(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException("../shared is not present"), relative);

    public static bool Has(string relative) =>
        Root is not null && (File.Exists(System.IO.Path.Combine(Root, relative)) || Directory.Exists(System.IO.Path.Combine(Root, relative)));

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Build.props")))
            dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    static string? FindShared()
    {
        var env = Environment.GetEnvironmentVariable("KTRIAGE_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return System.IO.Path.GetFullPath(env);
        // Worktrees live beside the main checkout; walk up until a sibling "shared" appears.
        for (var dir = new DirectoryInfo(RepoRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "seeds"))) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that needs files from ../shared; skipped with a clear message when they are absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute(params string[] required)
    {
        var missing = required.Where(r => !SharedData.Has(r)).ToList();
        if (missing.Count > 0)
            Skip = $"needs ../shared/{string.Join(", ../shared/", missing)} (not present in this checkout)";
    }
}

/// <summary>A theory over ../shared data; skipped with a clear message when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute(params string[] required)
    {
        var missing = required.Where(r => !SharedData.Has(r)).ToList();
        if (missing.Count > 0)
            Skip = $"needs ../shared/{string.Join(", ../shared/", missing)} (not present in this checkout)";
    }
}

/// <summary>A fact that needs ../shared data and a program on PATH (installed by .ci/run); skipped with a clear
/// message when either is missing.</summary>
public sealed class SharedToolFactAttribute : FactAttribute
{
    public SharedToolFactAttribute(string tool, params string[] required)
    {
        var missing = required.Where(r => !SharedData.Has(r)).ToList();
        if (missing.Count > 0)
            Skip = $"needs ../shared/{string.Join(", ../shared/", missing)} (not present in this checkout)";
        else if (!OnPath(tool))
            Skip = $"needs {tool} on PATH (apt-get install {tool}; .ci/run installs it)";
    }

    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(System.IO.Path.Combine(dir, tool)));
}
