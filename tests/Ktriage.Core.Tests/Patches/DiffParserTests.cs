using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

public class DiffParserTests
{
    const string KernelPatch = """
        Some prose before the diff.

        ---
         fs/io_uring.c | 5 +++--
         1 file changed, 3 insertions(+), 2 deletions(-)

        diff --git a/fs/io_uring.c b/fs/io_uring.c
        index 1111111..2222222 100644
        --- a/fs/io_uring.c
        +++ b/fs/io_uring.c
        @@ -100,7 +100,8 @@ static int io_sq_thread(void *data)
         	struct io_ring_ctx *ctx = data;
        -	int ret;
        +	int ret = 0;
        +	bool idle;
         
         	while (!kthread_should_stop()) {
        -		ret = do_work(ctx);
        +		ret = io_do_work(ctx);
         	}
        @@ -200,3 +201,3 @@ out:
        -static void io_free(struct io_ring_ctx *ctx)
        +static void io_ring_free(struct io_ring_ctx *ctx)
         {
         	kfree(ctx);
        -- 
        2.40.0
        """;

    [Fact]
    public void Hunks_counts_and_diffstat()
    {
        var d = DiffParser.Parse(KernelPatch);
        var f = Assert.Single(d.Files);
        Assert.Equal("fs/io_uring.c", f.Path);
        Assert.Equal(2, f.Hunks.Count);
        Assert.Equal((4, 3), (f.Added, f.Removed));
        Assert.Equal("static int io_sq_thread(void *data)", f.Hunks[0].Context);
        Assert.Equal((100, 7, 100, 8), (f.Hunks[0].OldStart, f.Hunks[0].OldCount, f.Hunks[0].NewStart, f.Hunks[0].NewCount));
        Assert.Equal(" fs/io_uring.c | 7 ++++---\n 1 file changed, 4 insertions(+), 3 deletions(-)\n", d.RenderDiffStat());
        // The signature after the last hunk is not diff content.
        Assert.DoesNotContain("2.40.0", d.Text);
    }

    [Fact]
    public void Functions_come_from_hunk_context_and_definitions_in_the_lines()
    {
        var f = DiffParser.Parse(KernelPatch).Files[0];
        Assert.Equal(["io_sq_thread", "io_free", "io_ring_free"], f.Functions);
    }

    [Theory]
    [InlineData("static int __init foo_init(void)", "foo_init")]
    [InlineData("SYSCALL_DEFINE2(io_uring_setup, u32, entries,", "io_uring_setup")]
    [InlineData("int main(int argc, char **argv)", "main")]
    [InlineData("kvmppc_hdsi:", "kvmppc_hdsi")]
    [InlineData("struct io_kiocb {", null)]
    [InlineData("if (ret < 0)", null)]
    public void Function_from_hunk_context(string context, string? expected)
    {
        Assert.Equal(expected, FunctionNames.FromHunkContext(context));
    }

    [Theory]
    [InlineData("static void io_free(struct io_ring_ctx *ctx)", "io_free")]
    [InlineData("void *kmalloc_array(size_t n, size_t size, gfp_t flags)", "kmalloc_array")]
    [InlineData("int foo(int a);", null)]
    [InlineData("\tfoo(a, b);", null)]
    [InlineData("EXPORT_SYMBOL(io_free);", null)]
    [InlineData("static int x = f(3);", null)]
    [InlineData("return foo(x)", null)]
    public void Function_definitions_in_lines(string line, string? expected)
    {
        Assert.Equal(expected, FunctionNames.FromDefinition(line));
    }

    [Fact]
    public void Plain_unified_diff_with_tree_names_and_timestamps()
    {
        var d = DiffParser.Parse("""
            --- linux-2.6.orig/mm/slab.c	2007-07-01 10:00:00.000000000 +0200
            +++ linux-2.6/mm/slab.c	2007-07-02 11:00:00.000000000 +0200
            @@ -1 +1 @@
            -old
            +new
            """);
        var f = Assert.Single(d.Files);
        Assert.Equal(DiffFormat.Unified, f.Format);
        Assert.Equal(("mm/slab.c", "mm/slab.c"), (f.OldPath, f.NewPath));
        Assert.Equal((1, 1), (f.Added, f.Removed));
    }

    [Fact]
    public void Quoted_paths_copies_and_deletions()
    {
        var d = DiffParser.Parse("""
            diff --git "a/docs/caf\303\251 menu.txt" "b/docs/caf\303\251 menu.txt"
            deleted file mode 100644
            index e69de29..0000000
            diff --git a/a.c b/b.c
            similarity index 90%
            copy from a.c
            copy to b.c
            index 1111111..2222222 100644
            --- a/a.c
            +++ b/b.c
            @@ -1,2 +1,2 @@
             x
            -y
            +z
            diff --git a/img.png b/img.png
            index 1111111..2222222 100644
            Binary files a/img.png and b/img.png differ
            """);
        Assert.Equal(3, d.Files.Count);
        Assert.Equal(FileChangeKind.Deleted, d.Files[0].Change);
        Assert.Equal("docs/café menu.txt", d.Files[0].OldPath);
        Assert.Null(d.Files[0].NewPath);
        Assert.Equal((FileChangeKind.Copied, 90, "a.c", "b.c"), (d.Files[1].Change, d.Files[1].Similarity, d.Files[1].OldPath, d.Files[1].NewPath));
        Assert.True(d.Files[2].Binary);
    }

    [Fact]
    public void Lines_that_lost_their_leading_space_still_count_as_context()
    {
        // As a web archive renders it: context lines without their space, "-"/"+" followed by a space.
        var d = DiffParser.Parse("""
            diff --git a/fs/lockd/svc.c b/fs/lockd/svc.c
            --- a/fs/lockd/svc.c
            +++ b/fs/lockd/svc.c
            @@ -306,3 +306,3 @@ static int lockd_start_svc(struct svc_serv *serv)
            svc_sock_update_bufs(serv);
            - nlmsvc_task = kthread_run(lockd, nlmsvc_rqst, "%s", serv->sv_name);
            + nlmsvc_task = kthread_create(lockd, nlmsvc_rqst, "%s", serv->sv_name);
            if (IS_ERR(nlmsvc_task)) {
            Thanks for the review!
            """);
        var f = Assert.Single(d.Files);
        Assert.Equal((1, 1), (f.Added, f.Removed));
        Assert.Equal(["lockd_start_svc"], f.Functions);
        Assert.DoesNotContain("Thanks", d.Text);
    }

    [Fact]
    public void Text_without_a_diff_gives_nothing()
    {
        Assert.True(DiffParser.Parse("Hello,\n\n--- not a diff\nreally\n").IsEmpty);
        Assert.True(DiffParser.Parse(null).IsEmpty);
    }

    [Fact]
    public void Patch_id_ignores_whitespace_and_line_numbers_but_not_content()
    {
        var a = PatchId.Compute(KernelPatch);
        var moved = PatchId.Compute(KernelPatch.Replace("@@ -100,7 +100,8 @@", "@@ -110,7 +110,8 @@").Replace("int ret = 0;", "int  ret = 0;"));
        var changed = PatchId.Compute(KernelPatch.Replace("int ret = 0;", "int ret = 1;"));
        Assert.NotNull(a);
        Assert.Equal(a, moved);
        Assert.NotEqual(a, changed);
        Assert.Null(PatchId.Compute("no diff here"));
    }
}
