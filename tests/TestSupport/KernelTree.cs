using Xunit;

namespace Ktriage.TestSupport;

/// <summary>
/// A Linux 6.1 tree (Debian's linux-source-6.1) for the MAINTAINERS/who tests: $KTRIAGE_KERNEL_TREE, else the
/// partial tree .ci/run extracts to $TMPDIR/ktriage-kernel-6.1 (MAINTAINERS, Makefile, get_maintainer.pl and a few
/// source directories).
/// </summary>
public static class KernelTree
{
    public static string? Root { get; } = Find();

    static string? Find()
    {
        foreach (var dir in new[] { Environment.GetEnvironmentVariable("KTRIAGE_KERNEL_TREE"), System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ktriage-kernel-6.1") })
            if (!string.IsNullOrEmpty(dir) && File.Exists(System.IO.Path.Combine(dir, "MAINTAINERS")) && File.Exists(System.IO.Path.Combine(dir, "Makefile")))
                return dir;
        return null;
    }

    public static string Path(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException("no kernel tree"), relative);
}

/// <summary>A fact that needs the Linux 6.1 tree; skipped with a clear message when it is absent.</summary>
public sealed class KernelTreeFactAttribute : FactAttribute
{
    public KernelTreeFactAttribute(params string[] requiredShared)
    {
        if (KernelTree.Root is null)
            Skip = "needs a Linux 6.1 tree: set KTRIAGE_KERNEL_TREE or run .ci/run (apt-get install linux-source-6.1, extracts MAINTAINERS and a few directories)";
        else if (requiredShared.FirstOrDefault(r => !SharedData.Has(r)) is { } missing)
            Skip = $"needs ../shared/{missing} (not present in this checkout)";
    }

    /// <summary>Also needs perl and the tree's scripts/get_maintainer.pl (the reference implementation).</summary>
    public bool NeedsGetMaintainer
    {
        get => false;
        set
        {
            if (value && Skip is null && (!File.Exists(KernelTree.Path("scripts/get_maintainer.pl")) || !PerlRuns()))
                Skip = "needs perl (with File::Find) and scripts/get_maintainer.pl in the kernel tree";
        }
    }

    static bool PerlRuns()
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("perl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-MFile::Find", "-MGetopt::Long", "-e", "1" }) psi.ArgumentList.Add(a);
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
