#!/usr/bin/perl
# Runs conlleval.pl on many inputs in one perl process, for the random
# differential test of `nerbench score` (TestScoreConllevalRandom): a perl
# start costs more than the scoring. conlleval.pl itself runs unchanged;
# its exit and die are caught so that the next input can run.
#
# usage: perl conlleval-batch.pl /abs/path/conlleval.pl MANIFEST
#
# Each MANIFEST line is INPUT<TAB>OUTPUT[<TAB>ARG]...: conlleval.pl reads
# INPUT with the arguments ARG... and its standard output goes to OUTPUT.
# When it exits with another code than 0, or dies, OUTPUT.exit holds the
# code (255 for die) and the message.
use strict;
use warnings;

BEGIN {
    *CORE::GLOBAL::exit = sub { die sprintf("conlleval-batch-exit %d\n", $_[0] // 0) };
}

my ($script, $manifest) = @ARGV;
open(my $m, '<', $manifest) or die "$manifest: $!\n";
while (my $line = <$m>) {
    chomp $line;
    my ($in, $out, @args) = split /\t/, $line, -1;
    my $code = 0;
    my $why = "";
    {
        # Fresh handles for each input: a reopened STDIN could keep the
        # rest of the previous input that conlleval.pl did not read.
        local *STDIN;
        local *STDOUT;
        open(STDIN, '<', $in) or die "$in: $!\n";
        open(STDOUT, '>', $out) or die "$out: $!\n";
        my $old = select(STDOUT);
        local @ARGV = @args;
        {
            no warnings;
            local $SIG{__WARN__} = sub { };
            do $script;
        }
        if ($@) {
            $code = $@ =~ /^conlleval-batch-exit (\d+)/ ? $1 : 255;
            $why = $@;
        }
        select($old);
        close(STDOUT);
        close(STDIN);
    }
    if ($code != 0) {
        open(my $e, '>', "$out.exit") or die "$out.exit: $!\n";
        print $e "$code $why";
        close($e);
    }
}
