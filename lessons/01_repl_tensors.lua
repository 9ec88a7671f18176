-- en: The REPL and tensors
-- zh: REPL 与张量
--
-- Lesson 1: typing at the prompt, tensors (shape, indexing, arithmetic, matmul),
-- and a first look at Fashion-MNIST's images as tensors.

say{en = [[
Welcome to nnscope. You talk to it in Lua: type an expression at the prompt
and its value is printed, like a calculator. In this lesson the lesson types
for you (the lines starting with ">"); at each pause you may type too.]],
zh = [[
欢迎来到 nnscope。你用 Lua 和它交流：在提示符后输入一个表达式，它的值就会被打印出来，
就像一个计算器。本课中由课程替你输入（以 ">" 开头的行）；每次暂停时你也可以自己输入。]]}

demo("1 + 1")
demo("2 ^ 10")
demo("math.exp(1)")

say{en = [[
help() gives a tour, help(nn.Dense) explains one function, and Tab completes
names. Lua counts from 1: the first element of a list is list[1].]],
zh = [[
help() 给出一个导览，help(nn.Dense) 解释一个函数，Tab 键补全名字。
Lua 从 1 开始计数：列表的第一个元素是 list[1]。]]}
pause()

say{en = [[
A tensor is a box of numbers with a shape. Everything a network computes is a
tensor: its inputs, its weights, its outputs, its gradients. This one has 2 rows
and 3 columns, so its shape is (2, 3).]],
zh = [[
张量（tensor）是一个有形状的数字盒子。神经网络计算的一切都是张量：输入、权重、输出、梯度。
下面这个张量有 2 行 3 列，所以它的形状是 (2, 3)。]]}

demo("t = nn.tensor{{1, 2, 3}, {4, 5, 6}}")
demo("t")
local shape = demo("t:shape()")
check(shape[1] == 2 and shape[2] == 3, {en = "t should have shape (2, 3)", zh = "t 的形状应为 (2, 3)"},
      {en = "t has 2 rows and 3 columns", zh = "t 有 2 行 3 列"})

say{en = [[
t[2] is the second row, itself a tensor of shape (3,); t[2][3] is one number.]],
zh = [[t[2] 是第二行，它本身是形状为 (3,) 的张量；t[2][3] 是一个数。]]}
demo("t[2]")
local v = demo("t[2][3]")
check(v == 6, {en = "t[2][3] should be 6", zh = "t[2][3] 应为 6"},
      {en = "row 2, column 3 holds 6", zh = "第 2 行第 3 列是 6"})
pause()

say{en = [[
Arithmetic works on every element at once. sum() adds everything; sum(1) adds
along axis 1 (down the rows), leaving one number per column.]],
zh = [[算术运算会同时作用于每个元素。sum() 把所有元素相加；sum(1) 沿第 1 轴（行的方向）相加，
每列留下一个数。]]}
demo("t * 10")
demo("t + t")
demo("t:mean()")
demo("t:sum(1)")

try{{en = "Your turn: the sum of all the numbers in t.", zh = "轮到你了：求 t 中所有数字之和。"},
    check = function(x) return x == 21 end,
    answer = "t:sum()",
    hint = {en = "tensors have a sum() method: t:sum()", zh = "张量有 sum() 方法：t:sum()"}}
pause()

say{en = [[
The most important operation of a neural network is the matrix product. A (2, 3)
tensor times a (3, 2) tensor gives a (2, 2) tensor: each result is a row of the
first times a column of the second, summed. The inner sizes (3 and 3) must agree.]],
zh = [[神经网络中最重要的运算是矩阵乘法。(2, 3) 的张量乘以 (3, 2) 的张量得到 (2, 2) 的张量：
每个结果都是第一个的一行与第二个的一列逐项相乘再求和。内侧的尺寸（3 和 3）必须一致。]]}
demo("W = nn.tensor{{1, 0}, {0, 1}, {1, 1}}")
local p = demo("t:matmul(W)")
check(p and p[1][1] == 4 and p[2][2] == 11,
      {en = "t:matmul(W) should be [[4, 5], [10, 11]]", zh = "t:matmul(W) 应为 [[4, 5], [10, 11]]"},
      {en = "(2, 3) times (3, 2) gave (2, 2): 1*1 + 2*0 + 3*1 = 4",
       zh = "(2, 3) 乘 (3, 2) 得到 (2, 2)：1*1 + 2*0 + 3*1 = 4"})

say{en = [[
When the inner sizes do not agree, nnscope says so and names both shapes. Read
such messages closely: shape mistakes are the most common bugs in deep learning.]],
zh = [[当内侧尺寸不一致时，nnscope 会报错并给出两个形状。请仔细阅读这类信息：
形状错误是深度学习中最常见的错误。]]}
demo("t:matmul(t)")

try{{en = "Multiply t by its transpose, t:transpose(), which has shape (3, 2).",
     zh = "用 t 乘以它的转置 t:transpose()（形状为 (3, 2)）。"},
    check = function(x) return x:shape()[1] == 2 and x:shape()[2] == 2 and x[1][1] == 14 end,
    answers = {"t:matmul(t:transpose)", "t:matmul(t:transpose())"},
    hint = {en = "transpose is a method call too: t:transpose()",
            zh = "transpose 也是方法调用：t:transpose()"}}
pause()

say{en = [[
Images are tensors too. Fashion-MNIST holds 70000 greyscale pictures of clothes,
28 x 28 pixels each, with numbers from 0 (background) to 255; as in Keras,
load_data() gives a training and a test set.]],
zh = [[图像也是张量。Fashion-MNIST 有 70000 张服装的灰度图片，每张 28 x 28 像素，
像素值从 0（背景）到 255；和 Keras 一样，load_data() 给出训练集和测试集。]]}

local ok, err = pcall(function()
  train, test = nn.datasets.fashion_mnist.load_data()
end)
if not ok then
  say({en = "Fashion-MNIST could not be loaded here (%s); the next lessons need it.",
       zh = "这里无法加载 Fashion-MNIST（%s）；后面的课程需要它。"}, tostring(err))
else
  demo("train.x:shape()")
  demo("train.x:dtype()")
  local label = demo("train.y[1]")
  local names = fashion_classes()
  say({en = "Label %d is \"%s\". Here is the first image, drawn with characters:",
       zh = "标签 %d 表示“%s”。下面用字符画出第一张图片："}, label, names[label + 1])
  ascii(train.x[1])
  check(train.x:shape()[1] == 60000 and train.x:shape()[2] == 28,
        {en = "the training images should have shape (60000, 28, 28)",
         zh = "训练图像的形状应为 (60000, 28, 28)"},
        {en = "60000 training images of 28 x 28 pixels", zh = "60000 张 28 x 28 像素的训练图像"})

  say{en = [[
Labels count from 0, as in Keras: 0 is a T-shirt, 9 an ankle boot. Networks
like inputs near 0..1, so the images are divided by 255 (which also turns the
bytes into float32):]],
  zh = [[标签从 0 开始计数，和 Keras 一样：0 是 T 恤，9 是短靴。网络喜欢 0..1 附近的输入，
所以把图像除以 255（同时把字节变成 float32）：]]}
  demo("x = train.x[1] / 255")
  local top = demo("x:max()")
  check(top == 1, {en = "the brightest pixel should become 1", zh = "最亮的像素应变为 1"},
        {en = "pixels now run from 0 to 1", zh = "像素值现在在 0 到 1 之间"})

  try{{en = "What is the label of the second training image? (train.y[2])",
       zh = "第二张训练图片的标签是什么？（train.y[2]）"},
      check = function(x) return x == train.y[2] end,
      answer = "train.y[2]",
      hint = {en = "index train.y like a list: train.y[2]", zh = "像列表一样索引：train.y[2]"}}
end

say{en = [[
That is all a network is made of: tensors and products of tensors. Next lesson:
one neuron, computed by hand and by nnscope.]],
zh = [[网络就是由这些构成的：张量以及张量的乘积。下一课：一个神经元，先手算，再用 nnscope 算。]]}
