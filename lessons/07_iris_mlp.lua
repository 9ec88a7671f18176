-- en: An MLP on Iris (standardised, train/test split)
-- zh: 在 Iris 上训练多层感知机（标准化、训练/测试划分）
--
-- Lesson 7: the course's Iris example (text 001) in nnscope: load, split,
-- standardise (fitting the scaler on the training part only), one-hot labels,
-- a 4-10-3 MLP with Adam, evaluation and predictions.

say{en = [[
Iris: 150 flowers, 4 measurements each (sepal length, sepal width, petal length,
petal width, in cm), 3 species. Like sklearn's load_iris(return_X_y=True),
nnscope gives the measurements and the class numbers:]],
zh = [[Iris（鸢尾花）数据集：150 朵花，每朵 4 个测量值（花萼长、花萼宽、花瓣长、花瓣宽，单位厘米），
共 3 个品种。和 sklearn 的 load_iris(return_X_y=True) 一样，nnscope 给出测量值和类别编号：]]}
demo("x, y = nn.datasets.iris.load_data()")
demo("x:shape()")
demo("x[1], y[1]")
species = tr{en = {"setosa", "versicolor", "virginica"},
             zh = {"山鸢尾 setosa", "变色鸢尾 versicolor", "维吉尼亚鸢尾 virginica"}}
say({en = "Class 0 is %s, 1 %s, 2 %s; 50 flowers each.", zh = "类别 0 是%s，1 是%s，2 是%s；每类 50 朵。"},
    species[1], species[2], species[3])
check(x:shape()[1] == 150 and x:shape()[2] == 4, {en = "iris should be 150 x 4",
                                                  zh = "iris 应为 150 x 4"},
      {en = "150 flowers, 4 measurements", zh = "150 朵花，4 个测量值"})
pause()

say{en = [[
First split: 80% to train on, 20% kept aside to measure how well the model
does on flowers it never saw. random_state fixes the shuffle, as in sklearn.]],
zh = [[先划分：80% 用于训练，20% 留出来，用于衡量模型在从未见过的花上表现如何。
random_state 固定打乱的方式，与 sklearn 相同。]]}
demo("x_train, x_test, y_train, y_test = nn.utils.train_test_split{x, y, test_size = 0.2, random_state = 42}")
demo("x_train:shape()[1], x_test:shape()[1]")

try{{en = "How many flowers are in the test set? (x_test:shape() gives the shape)",
     zh = "测试集中有多少朵花？（x_test:shape() 给出形状）"},
    check = function(v) return v == 30 end,
    answers = {"x_test:shape()", "x_test:shape()[1]"},
    hint = {en = "shape() is a list; its first entry counts the rows",
            zh = "shape() 是一个列表；第一个元素是行数"}}
pause()

say{en = [[
Then standardise: shift and scale each measurement to mean 0 and standard
deviation 1, so that no feature dominates just by its units. The scaler learns
its means and scales from the TRAINING part only, and applies the same to the
test part.

Text 001 of the course standardises all 150 flowers before splitting. That lets
the test flowers' statistics leak into training; on Iris the effect is tiny,
but on real projects it makes test scores look better than they are. Fit on the
training data, transform both.]],
zh = [[然后标准化：把每个测量值平移、缩放到均值 0、标准差 1，这样就不会有某个特征仅因为单位而占主导。
scaler 只从“训练”部分学习均值和缩放比例，再把同样的变换用在测试部分上。

课程第 001 篇在划分之前就对全部 150 朵花做了标准化。这会让测试集的统计信息泄漏到训练中；
在 Iris 上影响很小，但在实际项目中会让测试分数看起来比真实的好。
正确做法：在训练数据上 fit，对两部分都 transform。]]}
demo("scaler = nn.preprocessing.StandardScaler()")
demo("x_train_s = scaler:fit_transform(x_train)")
demo("x_test_s = scaler:transform(x_test)")
local mean = demo("x_train_s:mean(1)")
demo("scaler.mean_")
local worst = 0
for j = 1, 4 do worst = math.max(worst, math.abs(mean[j])) end
check(worst < 1e-4, {en = "standardised training columns should have mean 0",
                     zh = "标准化后训练集各列均值应为 0"},
      {en = "each training column now has mean 0", zh = "训练集每一列的均值现在都是 0"})

say{en = [[
The loss will be categorical cross-entropy, so the labels become one-hot rows:]],
zh = [[损失函数用分类交叉熵，所以把标签变成 one-hot 行：]]}
demo("y_train_1h = nn.utils.to_categorical(y_train, 3)")
demo("y_test_1h = nn.utils.to_categorical(y_test, 3)")
demo("y_train[1], y_train_1h[1]")
pause()

say{en = [[
The model of the course: 4 inputs, 10 ReLU units, 3 softmax outputs, Adam,
100 epochs in batches of 32.]],
zh = [[课程中的模型：4 个输入，10 个 ReLU 单元，3 个 softmax 输出，Adam 优化器，
以 32 为批大小训练 100 轮。]]}
demo("nn.utils.set_random_seed(42)")
demo([[
model = nn.Sequential{
  nn.Dense{10, activation = "relu", input_shape = {4}},
  nn.Dense{3, activation = "softmax"},
}]])
demo([[model:compile{optimizer = "adam", loss = "categorical_crossentropy", metrics = {"accuracy"}}]])
demo("model:summary()")
watch(model, "network")
local epochs = 100
local history = demo(("history = model:fit(x_train_s, y_train_1h, {epochs = %d, batch_size = 32, verbose = 0})")
                     :format(epochs))
history = history or _ENV.history
snap("network", "network")
snap("loss", "loss")
plot({{name = "loss", ys = history.history.loss}, {name = "accuracy", ys = history.history.accuracy}},
     {title = {en = "training loss and accuracy per epoch",
               zh = "每轮的训练损失与准确率"}, xlabel = "epoch", height = 10})
local loss, acc = demo("model:evaluate(x_test_s, y_test_1h, {verbose = 0})")
check(acc and acc >= 0.85, {en = "the test accuracy should reach about 0.9",
                            zh = "测试准确率应达到 0.9 左右"},
      {en = ("test accuracy %.3f on 30 unseen flowers"):format(acc or 0),
       zh = ("在 30 朵没见过的花上测试准确率为 %.3f"):format(acc or 0)})
pause()

say{en = [[
predict gives the three probabilities; argmax picks the class (counting from 0).
A new flower must go through the same scaler first.]],
zh = [[predict 给出三个概率；argmax 选出类别（从 0 开始数）。新的花必须先经过同一个 scaler。]]}
demo([[
classify = function(flower)
  local p = model:predict(scaler:transform(nn.tensor{flower}))
  return p:argmax()[1], p
end]])
local c0 = demo("classify{5.1, 3.5, 1.4, 0.2}")
check(c0 == 0, {en = "a small-petalled flower should be setosa (0)", zh = "花瓣很小的花应为 setosa（0）"},
      {en = "5.1, 3.5, 1.4, 0.2 is a setosa", zh = "5.1、3.5、1.4、0.2 是一朵 setosa"})
try{{en = "Classify the flower {6.7, 3.0, 5.2, 2.3} with classify{...}.",
     zh = "用 classify{...} 判断花 {6.7, 3.0, 5.2, 2.3} 的类别。"},
    check = function(v) return v == 2 end,
    answers = {"classify{6.7, 3.0, 5.2, 2.3}"},
    hint = {en = "call classify with the four numbers in braces", zh = "用花括号把四个数传给 classify"}}

say{en = "Per species, on the test set:", zh = "测试集上按品种统计："}
local p = model:predict(x_test_s):argmax()
local right, total = {0, 0, 0}, {0, 0, 0}
for i = 1, x_test:shape()[1] do
  local t = math.floor(y_test[i]) + 1
  total[t] = total[t] + 1
  if p[i] == t - 1 then right[t] = right[t] + 1 end
end
for k = 1, 3 do print(("  %-28s %d / %d"):format(species[k], right[k], total[k])) end
say{en = [[
Setosa is easy (its petals are much smaller); the mistakes, if any, are between
versicolor and virginica, which overlap. Next lesson: images, and what the
weights of a network look like.]],
zh = [[setosa 很容易识别（它的花瓣小得多）；如果有错误，也是在 versicolor 和 virginica 之间，
因为它们有重叠。下一课：图像，以及网络的权重长什么样。]]}
