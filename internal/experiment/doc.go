// Package experiment runs training experiments described by spec files:
// it expands a spec into jobs with stable ids, keeps one result file per
// job, runs the missing jobs locally, and collects the results into the
// DaLUKE thesis's table shapes. It knows nothing of schedulers (see
// internal/cluster) or of how a model is trained: the command passes in a
// Runner per model kind.
//
// # Spec files
//
// A spec is a TOML file (schema nerbench.experiment/v1). Unknown keys, wrong
// types and bad values are errors naming the file and line. Keys:
//
//	schema      optional; "nerbench.experiment/v1"
//	name        required; [a-z0-9._-]+, names the experiment's folder
//	title       optional one-line title of the tables
//	table       required; the shape collect reports in:
//	            seeds    one row per seed, then Mean ± t and Std. (Table 6.15)
//	            folds    one row per fold, then Mean ± t and Std. (Table 6.16)
//	            cross    one row per test set and training set, and the
//	                     train × test matrix of the first metric (Table 6.17)
//	            features one row per feature switch (Table 6.19)
//	            grid     one row per hyper-parameter combination (Table A.3)
//	published   optional thesis table number the experiment reproduces
//
//	[model]
//	kind        required; a model kind: "baseline", "daluke"
//	[model.params]
//	NAME = V    fixed parameters of the kind, each with its type. baseline:
//	            max_epochs, patience, min_count, gazetteer_max_len, bags
//	            (ints), prune (float), as `nerbench train baseline`;
//	            daluke (the torch build only runs it): lr, warmup,
//	            weight_decay, dropout (the classifier's; floats), epochs,
//	            batch_size (ints) as `nerbench train daluke`, unset ones
//	            the released recipe's; pretrained (required) the start
//	            archive, DaLUKE.tar.gz mutated for NER, or "random" for a
//	            fresh initialisation of sizes layers, hidden, heads and
//	            entity_size (ints); vocab (required) the folder with the
//	            WordPiece vocab.txt or tokenizer.json. Paths are relative
//	            to the folder the job runs in, and enter the job id as
//	            written. A DaLUKE job fine-tunes in jobs/<id>/daluke-run
//	            (a killed job resumes from its last checkpoint there), on
//	            CUDA when libtorch sees a GPU, and tags the test split
//	            with the best dev epoch's model
//
//	[data]      either datasets, or train and test:
//	datasets    train and test on each dataset, e.g. ["dane", "plank"]
//	train, test every training set is tested on every test set
//	[data.splits.NAME]
//	train, dev, test   split names (default "train" (for Plank
//	            "train-10k"), "dev", "test"); dev is used for model
//	            selection only
//
//	[axes]      every combination of the axes is one job
//	seeds       training seeds (default [1])
//	folds       k of k-fold cross-validation (needs data.datasets); 0: none
//	fold_seed   seed of the fold assignment (default 0)
//	features    feature switches of the kind (baseline: all, words,
//	            entities; daluke: all, words, entities)
//	[axes.grid]
//	NAME = [..] a list of values of a kind parameter
//
//	[report]
//	metrics     golden/published metric names, in column order (default
//	            f1, precision, recall, f1_no_misc, f1_loc, f1_per, f1_org,
//	            f1_misc); the first is the matrix's metric
//	level       confidence level of the Student-t intervals (default 0.95)
//
//	[resources] what one job asks of Slurm or LSF
//	time        wall-clock limit, HH:MM:SS or D-HH:MM:SS (default 01:00:00)
//	cpus, mem   CPUs (default 1) and memory such as "4G" (default)
//	gpus        GPUs (default 0)
//	partition   partition or queue (default: the scheduler's)
//	max_parallel  most array tasks at once, the %K of --array (0: no limit)
//
// # Jobs and their ids
//
// Jobs are expanded in the order training/test pair, feature switch, grid
// combination (keys sorted, the last varying fastest), fold, seed, and
// numbered from 1; that number is the array task id. A job's id is the
// SHA-256, in hex, of the salt line "nerbench.job/v1" followed by the
// "key value" lines of Config.Lines: the model kind, its parameters, the
// feature switch, the train, dev and test splits, the fold (scheme, k,
// fold, seed) and the seed, each ended by a newline. Nothing else enters
// the id: not the spec's name, resources, paths or --jobs. `nerbench
// experiment plan --explain` prints the hashed lines. Neither the data's
// content nor nerbench's version is hashed (a plan is made without reading
// the data); every result file records both (dataset.hash,
// nerbench_version), and after changing either, use a new experiment
// folder.
//
// # Folds
//
// Cross-validation pools the dataset's train, dev and test splits in that
// order and draws folds with scheme nerbench.folds/v1 (see FoldSplit):
// a ChaCha8 permutation seeded by the dataset name and fold_seed, position
// p in fold p mod k. The test fold is scored under the split name "cvK"
// (as in published Table 6.16); of the rest, every tenth sentence in
// permuted order is dev, for model selection only.
//
// # Results
//
// An experiment folder holds plan.json (written once; a spec that expands
// to other jobs is refused) and jobs/<id>/result.json and log.txt. A result
// is a nerbench.result/v1 file (internal/results) with the job under
// "job". A runner may keep files of its own in jobs/<id>. A job is done when its result parses and its embedded
// configuration hashes to its id; anything else is a miss, and it runs
// again. A failed job writes no result; its log ends in a
// "nerbench: job failed:" line.
package experiment
