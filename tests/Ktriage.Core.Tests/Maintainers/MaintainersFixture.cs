namespace Ktriage.Core.Tests.Maintainers;

/// <summary>A small MAINTAINERS in the real file's format (preamble, tabs, every entry type), written for the tests.</summary>
internal static class MaintainersFixture
{
    public const string Text = """
        List of maintainers and how to submit kernel changes
        ====================================================

        Descriptions of section entries and preferred order
        ---------------------------------------------------

        	M: *Mail* patch to: FullName <address@domain>
        	F: *Files* and directories wildcard patterns.

        Maintainers List
        ----------------

        .. note:: When reading this list, please look for the most precise areas
           first.

        KERNEL NFSD, SUNRPC, AND LOCKD SERVERS
        M:	Chuck Lever <chuck.lever@oracle.com>
        M:	Jeff Layton <jlayton@kernel.org>
        L:	linux-nfs@vger.kernel.org
        S:	Supported
        T:	git git://git.kernel.org/pub/scm/linux/kernel/git/cel/linux.git
        F:	fs/nfsd/
        F:	net/sunrpc/
        X:	net/sunrpc/xprtrdma/

        NETWORKING [GENERAL]
        M:	"David S. Miller" <davem@davemloft.net>
        M:	Jeff Layton <jeff.layton@example.org>
        L:	netdev@vger.kernel.org
        S:	Maintained
        F:	net/
        F:	include/net/

        NFS/RDMA
        M:	Chuck Lever <chuck.lever@example.com>
        L:	linux-rdma@vger.kernel.org
        L:	secret@lists.example.org (subscribers-only)
        S:	Odd Fixes
        F:	net/sunrpc/xprtrdma/

        VIRTIO CONSOLE DRIVER
        M:	Amit Shah <amit@kernel.org>
        L:	virtualization@lists.linux-foundation.org
        S:	Maintained
        F:	drivers/char/virtio_console.c
        F:	include/linux/virtio_console.h
        F:	include/uapi/linux/virtio_console.h

        CHAR and MISC DRIVERS
        M:	Arnd Bergmann <arnd@arndb.de>
        R:	Greg KH <GREGKH@linuxfoundation.org>
        L:	misc@lists.example.org (moderated for non-subscribers)
        S:	Supported
        F:	drivers/char/
        F:	drivers/misc/

        DA90XX DRIVERS
        M:	Support Opensource <support.opensource@diasemi.com>
        S:	Supported
        F:	drivers/rtc/rtc-da90??.c
        F:	drivers/mfd/da9*-core.c

        ARM/Mediatek SoC support
        M:	Matthias Brugger <matthias.bgg@gmail.com>
        L:	linux-mediatek@lists.infradead.org (moderated for non-subscribers)
        S:	Maintained
        N:	mtk
        N:	mt[678]
        K:	mediatek

        BPF [GENERAL]
        M:	Alexei Starovoitov <ast@kernel.org>
        L:	bpf@vger.kernel.org
        S:	Supported
        K:	(?:\b|_)bpf(?:\b|_)

        THE REST
        M:	Linus Torvalds <torvalds@linux-foundation.org>
        L:	linux-kernel@vger.kernel.org
        S:	Buried alive in reporters
        F:	*
        F:	*/
        """;
}
