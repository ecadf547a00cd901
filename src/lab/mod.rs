//! Beside the pipeline: the measuring tools. Evaluation against truth, the repeated-frames
//! baseline, training, benchmarks, plots and the encoder retrieval test. Nothing in the pipeline
//! or the front ends' use cases depends on this floor; it may use every floor below.

pub mod baseline;
pub mod bench;
pub mod eval;
pub mod eval_tail;
pub mod report;
pub mod retrieval;
pub mod train;
