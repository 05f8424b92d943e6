#!/usr/bin/perl
# Runs each query (one per line on stdin) through public-inbox's own search of one inbox, the way its web UI's ?q=
# does (approxidate for d:, then Xapian's QueryParser with public-inbox's prefixes), and prints per query:
#   QUERY<TAB>milliseconds<TAB>blob blob blob...   (git blob OIDs of every match, unsorted)
# Usage: PI_CONFIG=... pi-query.pl INBOXDIR NAME [LIMIT] < queries     (LIMIT: at most this many, default all)
use strict; use warnings;
use PublicInbox::Inbox;
use Time::HiRes qw(time);
my ($dir, $name, $limit) = @ARGV;
my $ibx = PublicInbox::Inbox->new({ inboxdir => $dir, name => $name, address => ["$name\@example.invalid"] });
my $srch = $ibx->isrch or die "$dir: no Xapian index (public-inbox-index -L full)\n";
binmode STDOUT, ':utf8';
while (my $q = <STDIN>) {
	chomp $q;
	next if $q eq '' || $q =~ /^#/;
	my $t0 = time;
	my $qs = $q;
	$srch->query_approxidate($ibx->git, $qs);
	my $mset = $srch->mset($qs, { limit => $limit || 1000000, relevance => -1 });
	my $msgs = $srch->mset_to_smsg($ibx, $mset);
	my $ms = (time - $t0) * 1000;
	printf "%s\t%.2f\t%s\n", $q, $ms, join(' ', map { $_->{blob} } @$msgs);
}
