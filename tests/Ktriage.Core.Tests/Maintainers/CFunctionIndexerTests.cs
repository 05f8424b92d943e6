using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

public sealed class CFunctionIndexerTests
{
    const string Source = """
        // SPDX-License-Identifier: GPL-2.0
        #include <linux/module.h>
        #define FOO(x) { (x) }
        #define LONG_MACRO(a) \
            do { a; } while (0)

        static const struct file_operations fops = {
            .owner = THIS_MODULE,
        };

        struct cache_detail {
            int x;
        };

        /* a comment with a fake(void) { } definition */
        static void cache_clean(struct cache_detail *cd)
        {
            char *s = "not_a_function(void) {";
            if (cd) { cd->x = '{'; }
        }

        int __init
        sunrpc_init(void)
        {
            return 0;
        }

        __printf(2, 3) void log_it(int level, const char *fmt, ...)
        {
        }

        static inline struct cache_head *cache_get(struct cache_head *h) __acquires(h)
        {
            return h;
        }

        SYSCALL_DEFINE3(io_uring_enter, unsigned int, fd, u32, to_submit, u32, flags)
        {
        }

        static int __cold helper(void) __must_hold(&lock)
        {
        }

        enum { A, B };
        """;

    [Fact]
    public void Finds_definitions_with_lines_and_static_and_skips_everything_else()
    {
        var defs = CFunctionIndexer.Index(Source);
        Assert.Equal(
        [
            new FunctionDefinition("cache_clean", 16, true),
            new FunctionDefinition("sunrpc_init", 23, false),
            new FunctionDefinition("log_it", 28, false),
            new FunctionDefinition("cache_get", 32, true),
            new FunctionDefinition("sys_io_uring_enter", 37, false),
            new FunctionDefinition("helper", 41, true),
        ], defs);
    }

    [Fact]
    public void Unbalanced_or_empty_input_does_not_throw()
    {
        Assert.Empty(CFunctionIndexer.Index(""));
        Assert.Empty(CFunctionIndexer.Index("}}} {{{ \"unterminated\n/* open comment"));
        Assert.Single(CFunctionIndexer.Index("int f(void) { { {"));
    }
}
