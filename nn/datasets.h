/* nn/datasets.h — the data sets a learner loads by name: Fashion-MNIST, MNIST,
** CIFAR-10 and iris.
**
** Nothing downloads: image data sets are read from files already on disk (the
** Debian package dataset-fashion-mnist, or files the learner fetched), iris from
** the CSV that ships in the repository. When files are missing the error says
** where it looked and how to get them. Images come back as uint8 tensors, as
** Keras's load_data gives them; the caller owns every tensor returned and gets
** none (all four set to NULL) on failure.
*/
#ifndef NN_DATASETS_H
#define NN_DATASETS_H

#include <stddef.h>

#include "tensor.h"

/* Where Debian's dataset-fashion-mnist package installs the files. */
#define NN_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* Read the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte,
** t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each with ".gz", or
** without) from `dir`, which must exist. Images are (N, H, W) uint8, labels
** (N,) uint8. `name` names the data set in messages. NN_EIO names the file
** looked for when one is missing; NN_EFORMAT when a file is not IDX (see
** nn/idx.h) or when images and labels do not go together. */
nn_status nn_dataset_idx_dir(const char *dir, const char *name, nn_tensor **x_train,
                             nn_tensor **y_train, nn_tensor **x_test, nn_tensor **y_test,
                             nn_error *err);

/* Fashion-MNIST from `dir` (NULL: NN_FASHION_MNIST_DIR): x (60000, 28, 28) and
** y (60000,) for training, (10000, 28, 28) and (10000,) for testing. A missing
** file's error says where it looked and which Debian package installs it. */
nn_status nn_dataset_fashion_mnist(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                                   nn_tensor **x_test, nn_tensor **y_test, nn_error *err);

/* MNIST's four IDX files from `dir`; with `dir` NULL, from the first of
** $NNSCOPE_DATA/mnist, $NNSCOPE_DATA and ~/.nnscope/datasets/mnist that holds
** them. When none does, NN_EIO lists every place looked and how to get them. */
nn_status nn_dataset_mnist(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                           nn_tensor **x_test, nn_tensor **y_test, nn_error *err);

/* CIFAR-10's binary batches (data_batch_1.bin .. data_batch_5.bin, test_batch.bin,
** each record one label byte then 3072 bytes of 32x32 red, green and blue
** planes) from `dir` or its subdirectory cifar-10-batches-bin; with `dir` NULL,
** from $NNSCOPE_DATA or ~/.nnscope/datasets (each also with
** cifar-10-batches-bin/). Images come back channels-last, (N, 32, 32, 3) uint8;
** labels (N, 1) uint8, as Keras's cifar10.load_data gives them. NN_EIO lists
** the places looked when no batch is found; NN_EFORMAT for a file that is not a
** whole number of records or holds a label above 9. */
nn_status nn_dataset_cifar10(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                             nn_tensor **x_test, nn_tensor **y_test, nn_error *err);

/* Read one CIFAR-10 batch file: x (N, 32, 32, 3) uint8 channels-last and y
** (N, 1) uint8. Errors as nn_dataset_cifar10's, naming `path`. */
nn_status nn_dataset_cifar10_batch(const char *path, nn_tensor **x, nn_tensor **y,
                                   nn_error *err);

/* Find `name`, a file that ships in the repository's data/ directory, and write
** its path into buf. Looks in $NNSCOPE_HOME/data, then relative to the running
** program (../data beside build/nnscope, ../share/nnscope/data beside an
** installed bin/nnscope), then ./data. NN_EIO lists the places looked. */
nn_status nn_dataset_find(const char *name, char *buf, size_t len, nn_error *err);

/* Fisher's iris data from `path` (NULL: data/iris.csv found by nn_dataset_find),
** like sklearn's load_iris(return_X_y=True): x (150, 4) float32 (sepal length,
** sepal width, petal length, petal width in cm) and y (150,) float32 class
** indices 0 setosa, 1 versicolor, 2 virginica. NN_EFORMAT when the file is not
** a CSV with four numeric columns and a "species" column of three classes. */
nn_status nn_dataset_iris(const char *path, nn_tensor **x, nn_tensor **y, nn_error *err);

#endif
