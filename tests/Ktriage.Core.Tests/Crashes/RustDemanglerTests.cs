using Ktriage.Core.Crashes;

namespace Ktriage.Core.Tests.Crashes;

public sealed class RustDemanglerTests
{
    [Theory]
    [InlineData("_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind", "__rustc::rust_begin_unwind")]
    [InlineData("_RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt", "core::panicking::panic_fmt")]
    [InlineData("_RNvNtNtCs9jEwPDbx20M_4core9panicking11panic_const24panic_const_add_overflow", "core::panicking::panic_const::panic_const_add_overflow")]
    // Trait impl with a backref (B5_ points back at the crate root "ashmem_rust").
    [InlineData("_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap", "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap")]
    // Examples from the v0 mangling RFC: generics and a closure.
    [InlineData("_RINvNtC3std3mem8align_ofjE", "std::mem::align_of::<usize>")]
    [InlineData("_RNCNvC7mycrate4main0", "mycrate::main::{closure#0}")]
    public void V0_symbols_are_demangled(string mangled, string expected) => Assert.Equal(expected, RustDemangler.Demangle(mangled));

    [Theory]
    [InlineData("dump_stack")]
    [InlineData("_RNvC")]
    [InlineData("_RNvCs_Bzz_3foo")]
    [InlineData("_RX")]
    public void Anything_else_is_left_as_it_is(string symbol) => Assert.Equal(symbol, RustDemangler.Demangle(symbol));
}
