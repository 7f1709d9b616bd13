#!/usr/bin/perl
# SpamAssassin's VBounce rules (Mail::SpamAssassin::Plugin::VBounce, rules/20_vbounce.cf) on every
# message of an mbox, as a site that lists its outbound relays in `welcomelist_bounce_relays` runs them:
# a bounce, auto-reply or challenge that does not name one of those relays in its Received lines hits
# ANY_BOUNCE_MESSAGE, which is VBounce's "backscatter". Local tests only (no DNS, no Bayes).
#
# Usage: vbounce.pl MBOX RELAY_HOST [RELAY_HOST ...]
# Prints one line per message, in mbox order: its index, 1 when ANY_BOUNCE_MESSAGE hit (else 0), and the
# VBounce rules hit. Needs Debian's spamassassin package (4.0).
use strict;
use warnings;
use Mail::SpamAssassin;
use File::Temp qw(tempdir);

my ($mbox, @relays) = @ARGV;
die "usage: vbounce.pl MBOX RELAY_HOST [RELAY_HOST ...]\n" unless defined $mbox && @relays;

my $state = tempdir(CLEANUP => 1);
my $sa = Mail::SpamAssassin->new({
    local_tests_only => 1,
    dont_copy_prefs => 1,
    userstate_dir => $state,
    userprefs_filename => "$state/user_prefs",
    post_config_text => join("\n", "use_bayes 0", "use_auto_welcomelist 0",
                             "welcomelist_bounce_relays @relays", ""),
});
$sa->compile_now(0);

# mboxrd: a message starts at a `From ` line; `>From ` quoting (any depth) loses one `>`.
open(my $in, '<', $mbox) or die "cannot read $mbox: $!\n";
binmode($in);
my ($index, $text) = (-1, undef);
sub judge {
    return unless defined $text;
    my $mail = $sa->parse($text);
    my $status = $sa->check($mail);
    my @vbounce = grep { /BOUNCE_MESSAGE$/ } split(/,/, $status->get_names_of_tests_hit());
    my $any = (grep { $_ eq 'ANY_BOUNCE_MESSAGE' } @vbounce) ? 1 : 0;
    print join("\t", $index, $any, join(',', @vbounce)), "\n";
    $status->finish();
    $mail->finish();
}
while (my $line = <$in>) {
    if ($line =~ /^From /) {
        judge();
        $index++;
        $text = '';
        next;
    }
    $line =~ s/^>(>*From )/$1/;
    $text .= $line if defined $text;
}
judge();
