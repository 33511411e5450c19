package main

import (
	"github.com/spf13/cobra"
)

func newPretrainCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pretrain",
		Short: "Pretrain DaLUKE: build the data from a Wikipedia dump",
		Long: `DaLUKE's pretraining pipeline (DaLUKE thesis, spec §3 and §4).
"nerbench pretrain data" builds the pretraining dataset from a Wikipedia dump.`,
		Example: `  nerbench pretrain data dawiki-20210301-pages-articles.xml.bz2 daluke-data --tokenizer ~/models/danish-bert`,
	}
	cmd.AddCommand(newPretrainDataCmd(s, nil))
	return cmd
}
